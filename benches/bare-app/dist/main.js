// Reads the one row over IPC when the page loads (the start-up benchmark waits for it) and
// on the button.
const row = document.querySelector('[data-testid="row"]');
const read = async () => {
  try {
    row.textContent = await window.__TAURI_INTERNALS__.invoke("read_row");
  } catch (e) {
    row.textContent = `error: ${e}`;
  }
};
document.getElementById("read").addEventListener("click", read);
read();
