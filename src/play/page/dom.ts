/** Small builders of the page's controls (no framework: the page is a few dozen elements). */

/** An element with attributes and children. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

/** A control with its name and, when given, an output showing its value. */
export function labelled(text: string, control: HTMLElement, output?: HTMLElement, layout = output ? 'field' : 'field wide'): HTMLElement {
  return el('label', { class: layout }, el('span', { class: 'name' }, text), control, ...(output ? [output] : []));
}

/** A range input. */
export function slider(id: string, min: number, max: number, step: number, value: number): HTMLInputElement {
  return el('input', { id, type: 'range', min: String(min), max: String(max), step: String(step), value: String(value) });
}
