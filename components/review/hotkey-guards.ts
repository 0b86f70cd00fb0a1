/**
 * When the review keys must stand aside. react-hotkeys-hook already ignores
 * key presses in form fields; these cover the rest.
 */

/** A modal dialog (the shortcuts) is open: keys must not act on the page behind it. */
export function modalOpen(): boolean {
  return document.querySelector("dialog[open]") !== null;
}

/** The key press landed on a link or button, which handles Enter itself. */
export function onControl(event: KeyboardEvent): boolean {
  return event.target instanceof Element && event.target.closest("a, button, [role='button']") !== null;
}
