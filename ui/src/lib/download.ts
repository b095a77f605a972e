// Hands a file made in the page to the user as a download (the webview saves it to the
// Downloads folder): calendar exports, widget CSV, PNG and SVG.
export function download(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
