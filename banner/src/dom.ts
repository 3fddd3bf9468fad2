// A tiny DOM builder. Strings become Text nodes: declaration texts never reach the HTML parser.
type Kid = Node | string | false | null | undefined;
type Attrs = Record<string, string | number | boolean | null | undefined>;

export function h(tag: string, attrs: Attrs = {}, ...kids: (Kid | Kid[])[]): HTMLElement {
  const e = document.createElement(tag);
  for (const k in attrs) {
    const v = attrs[k];
    if (v === true) e.setAttribute(k, "");
    else if (v !== false && v != null) e.setAttribute(k, "" + v);
  }
  for (const k of kids.flat()) if (k || k === "") e.append(k);
  return e;
}

export const $$ = <T extends Element>(sel: string, root: ParentNode = document) => [
  ...root.querySelectorAll<T>(sel),
];
