// What every page shares: the visible message area (errors never leave a blank page), the
// cross-origin isolation badge, and catching uncaught errors and rejections into the message area.

/**
 * Shows `text` in the page's `#message` box (kind 'error' is red, 'note' is neutral); empty text hides it.
 *
 * @example
 * ```ts
 * showMessage(`Could not load ${file.name}: ${describeError(error)}`);
 * ```
 */
export function showMessage(text: string, kind: 'error' | 'note' = 'error'): void {
  const box = document.querySelector<HTMLElement>('#message');
  if (box === null) return;
  box.textContent = text;
  box.dataset['kind'] = kind;
  box.hidden = text === '';
}

/** Appends a message instead of replacing it (several invalid URL settings at once). */
export function addMessage(text: string, kind: 'error' | 'note' = 'error'): void {
  const box = document.querySelector<HTMLElement>('#message');
  if (box === null || box.hidden) return showMessage(text, kind);
  box.textContent = `${box.textContent}\n${text}`;
}

/** The text of an error of any kind, for the message box. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Wires the shared parts of a page; call once at the start of each view. */
export function startPage(): void {
  window.addEventListener('error', (event) => showMessage(`Unexpected error: ${event.message}`));
  window.addEventListener('unhandledrejection', (event) =>
    showMessage(`Unexpected error: ${describeError(event.reason)}`),
  );
  const badge = document.querySelector<HTMLElement>('#isolation');
  if (badge !== null) {
    badge.textContent = crossOriginIsolated
      ? 'cross-origin isolated: shared memory on'
      : 'not cross-origin isolated: shared memory off';
    badge.dataset['isolated'] = String(crossOriginIsolated);
  }
}

/** The element with this id, or an error naming it (the HTML and the view disagree). */
export function element<T extends HTMLElement = HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`page: no element #${id}`);
  return found as T;
}

/**
 * Formats a number for display: fixed decimals, a real minus sign, no sign on a value that rounds to 0.
 *
 * @example
 * ```ts
 * formatNumber(-0.25, 2); // '−0.25'
 * ```
 */
export function formatNumber(value: number, digits = 4): string {
  if (!Number.isFinite(value)) return String(value);
  const text = value.toFixed(digits);
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text.replace('-', '−');
}

/**
 * Formats a number with `digits` significant digits (exponent form below 0.001), a real minus sign,
 * so values and gradients of any size read alike.
 *
 * @example
 * ```ts
 * formatSignificant(-0.000012346); // '−1.235e-5'
 * ```
 */
export function formatSignificant(value: number, digits = 4): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const text = Math.abs(value) < 1e-3 ? value.toExponential(digits - 1) : value.toPrecision(digits);
  return text.replace('-', '−').replace('e+', 'e');
}
