// Keeps what the page focuses clear of the banner (WCAG 2.4.11): scroll padding the height of
// whatever samtycke keeps fixed over the page, and as much room after the page's last element.
const spacer = document.createElement("div");
spacer.setAttribute("aria-hidden", "true");
let over: HTMLElement | null = null;

const room = new ResizeObserver(() => {
  const r = over?.getBoundingClientRect();
  // A layer at the top covers the top of the page, every other one the bottom.
  const top = !!r && r.top < innerHeight - r.bottom;
  const px = r && r.height ? Math.ceil(r.height + 16) + "px" : "";
  const s = document.documentElement.style;
  s.scrollPaddingTop = top ? px : "";
  s.scrollPaddingBottom = top ? "" : px;
  spacer.style.height = top ? "" : px;
});

/** Keep room for ``e`` (a fixed layer or the settings control), or for nothing. */
export function keepClear(e: HTMLElement | null): void {
  if (!spacer.isConnected) document.body.append(spacer);
  room.disconnect();
  over = e;
  if (e) room.observe(e);
  else room.observe(spacer); // one callback that resets the padding
}

/** Stop following what is going away; the room stays as it is until keepClear is called. */
export function hold(): void {
  room.disconnect();
}
