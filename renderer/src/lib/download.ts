// Saves bytes as a file through the browser's download path: a blob URL and an `<a download>`
// click. It works in both hosts without a special call (Electron shows its save dialog for
// downloads; a browser saves or asks, as it is set up to).
export function saveFile(fileName: string, mime: string, bytes: Uint8Array): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: mime }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // The download reads the blob after click() returns; revoking at once can cut it off.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
