// The "Ask your agency" block (templates/search.html, static-search.js): copy the request, or download it as a file.
// One listener for the page, so blocks the static search adds later work too.
document.addEventListener("click", async (event) => {
  const block = event.target.closest(".ask-agency");
  if (!block) return;
  const text = block.querySelector(".request-text").textContent;
  if (event.target.closest(".copy-request")) {
    const button = event.target.closest(".copy-request");
    try {
      await navigator.clipboard.writeText(text);
      button.textContent = "Copied";
    } catch {
      block.querySelector("details").open = true; // select it by hand
      button.textContent = "Select the text above to copy it";
    }
  } else if (event.target.closest(".download-request")) {
    event.target.closest(".download-request").href = URL.createObjectURL(new Blob([text], { type: "text/plain;charset=utf-8" }));
  }
});
