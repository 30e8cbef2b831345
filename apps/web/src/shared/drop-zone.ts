// Drag and drop onto an element: highlights it while files hover and hands the dropped files over.

/**
 * Makes `zone` accept dropped files: the `over` class while something is dragged over it, and
 * `onFiles` with the dropped files (never with an empty list).
 *
 * @example
 * ```ts
 * acceptDrops(element('pc-try-drop'), (files) => void tryFile(files[0]!));
 * ```
 */
export function acceptDrops(zone: HTMLElement, onFiles: (files: File[]) => void): void {
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('over');
    const files = Array.from(event.dataTransfer?.files ?? []);
    if (files.length > 0) onFiles(files);
  });
}
