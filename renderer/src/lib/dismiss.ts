// Closing a popover: a press outside its element, or Escape anywhere, calls `close`. An attachment, so the listeners
// live exactly as long as the element ({@attach dismissOnOutside(() => (open = false))}).
export function dismissOnOutside(close: () => void): (el: HTMLElement) => () => void {
  return (el) => {
    const onDown = (e: PointerEvent): void => {
      if (!el.contains(e.target as Node)) close();
    };
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') close();
    };
    window.addEventListener('pointerdown', onDown, true);
    window.addEventListener('keydown', onKey, true);
    return () => {
      window.removeEventListener('pointerdown', onDown, true);
      window.removeEventListener('keydown', onKey, true);
    };
  };
}
