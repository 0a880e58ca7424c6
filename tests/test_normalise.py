import pytest

from clearview.normalise import clean_code, clean_date, clean_text, fold, range_key, slugify, valid_date


@pytest.mark.parametrize(
    "label, key",
    [
        ("101 - 500", "101-500"),
        ("101–500", "101-500"),
        ("101 to 500", "101-500"),
        ("'101 - 500'", "101-500"),
        ("1,001-5,000", "1001-5000"),
        ("1.001 – 5.000", "1001-5000"),
        ("more than 5,000", "5001+"),
        ("5,001+", "5001+"),
        ("unknown", "unknown"),
        ("", ""),
        ("lots", "lots"),
    ],
)
def test_range_labels_however_typed_map_to_one_key(label, key):
    assert range_key(label) == key


def test_clean_text_folds_whitespace_controls_and_composes_unicode():
    assert clean_text("  Espan\u0303ola\u00a0 Police\tDept \x07") == "Española Police Dept"
    assert clean_text("\ufeffname") == "name"
    assert clean_text(None) == ""


def test_codes_are_lower_snake_case():
    assert clean_code(" Confirmed Use ") == "confirmed_use"
    assert clean_code("denied–then–confirmed") == "denied_then_confirmed"


@pytest.mark.parametrize("raw, iso", [("2021/8/25", "2021-08-25"), ("2021-8", "2021-08"), ("2021", "2021")])
def test_dates_are_rewritten_as_iso(raw, iso):
    assert clean_date(raw) == iso
    assert valid_date(iso)


@pytest.mark.parametrize("bad", ["25/08/2021", "2021-13", "August 2021", "2021-02-40"])
def test_other_date_formats_are_not_valid(bad):
    assert not valid_date(clean_date(bad))


def test_slugs_are_stable_ascii():
    assert slugify("Española Police Department") == "espanola-police-department"
    assert slugify("Toronto Police Service") == slugify(" Toronto  Police Service ")


def test_fold_ignores_case_and_accents():
    assert fold("ESPAÑOLA") == fold("espanola")


@pytest.mark.parametrize("function", [clean_text, clean_code, clean_date, range_key, fold])
@pytest.mark.parametrize("value", ["  101 – 500 ", "Confirmed Use", "2021/8/25", "Española\u00a0PD", "more than 5,000"])
def test_normalisation_is_idempotent(function, value):
    assert function(function(value)) == function(value)
