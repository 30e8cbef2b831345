// The class zones of the "Your pictures" page: one panel per class with its editable name, a drop
// zone and file picker, the count, thumbnails of what the network sees, and each refused file's
// message. Every name and message reaches the DOM as text (textContent, value), never as markup.
import { acceptDrops } from '../shared/drop-zone';
import { drawSample } from './sample-canvas';

/** Thumbnails shown per class. */
export const THUMBNAILS = 24;

/** What a zone asks the page to do. */
export interface ZoneActions {
  addFiles(index: number, files: File[]): void;
  rename(index: number, name: string): Promise<string>;
  clear(index: number): void;
}

/** One zone's elements, to update after a change. */
export interface Zone {
  root: HTMLElement;
  name: HTMLInputElement;
  count: HTMLElement;
  thumbnails: HTMLElement;
  errors: HTMLUListElement;
}

function make<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  properties: Partial<HTMLElementTagNameMap[K]> = {},
  ...children: Array<Node | string>
): HTMLElementTagNameMap[K] {
  const node = Object.assign(document.createElement(tag), properties);
  node.append(...children);
  return node;
}

/**
 * Builds one zone per class inside `parent` (replacing what was there).
 *
 * @example
 * ```ts
 * const zones = buildZones(element('pc-zones'), [{ name: 'cat', count: 0 }, { name: 'not cat', count: 0 }], actions);
 * ```
 */
export function buildZones(
  parent: HTMLElement,
  classes: Array<{ name: string; count: number }>,
  actions: ZoneActions,
): Zone[] {
  const zones = classes.map(({ name }, index) => {
    const nameInput = make('input', { type: 'text', value: name, maxLength: 80, className: 'zone-name' });
    nameInput.setAttribute('aria-label', `name of class ${index + 1}`);
    nameInput.addEventListener(
      'change',
      () => void actions.rename(index, nameInput.value).then((kept) => (nameInput.value = kept)),
    );
    const picker = make('input', { type: 'file', multiple: true, accept: 'image/png,image/jpeg' });
    picker.addEventListener('change', () => {
      if (picker.files !== null && picker.files.length > 0) actions.addFiles(index, Array.from(picker.files));
      picker.value = '';
    });
    const drop = make('div', { className: 'drop-zone' }, 'Drop pictures here, or ', picker);
    acceptDrops(drop, (files) => actions.addFiles(index, files));
    const clear = make('button', { textContent: 'Clear', type: 'button' });
    clear.addEventListener('click', () => actions.clear(index));
    const count = make('span', { className: 'muted zone-count' });
    const thumbnails = make('div', { className: 'thumbnails' });
    const errors = make('ul', { className: 'zone-errors' });
    const root = make(
      'div',
      { className: 'panel zone' },
      make('label', {}, 'class ', nameInput),
      drop,
      make('div', { className: 'controls' }, count, clear),
      thumbnails,
      errors,
    );
    root.dataset['index'] = String(index);
    return { root, name: nameInput, count, thumbnails, errors };
  });
  parent.replaceChildren(...zones.map((zone) => zone.root));
  return zones;
}

/** Shows a class's count and thumbnails (samples [3, S, S]). */
export function showZone(zone: Zone, count: number, samples: Float32Array[]): void {
  zone.count.textContent = `${count} picture${count === 1 ? '' : 's'}${count > samples.length ? ` (first ${samples.length} shown)` : ''}`;
  zone.root.dataset['count'] = String(count);
  zone.thumbnails.replaceChildren(
    ...samples.map((sample) => {
      const canvas = make('canvas', { width: 32, height: 32, className: 'sample' });
      drawSample(canvas, sample, 3);
      return canvas;
    }),
  );
}

/** Lists the messages of the files a zone refused (replacing the previous list). */
export function showZoneErrors(zone: Zone, messages: string[]): void {
  zone.errors.replaceChildren(...messages.map((text) => make('li', { textContent: text })));
}
