// Window-level switches that are nobody else's business: panels shown, dialogs open.
/** The text panel's width bounds in CSS pixels (its splitter reports them to assistive technology). */
export const TEXT_PANEL_MIN = 220;
export const TEXT_PANEL_MAX = 720;

export class UiState {
  helpOpen = $state(false);
  showThumbnails = $state(true);
  showBoxes = $state(true);
  /** Files are being dragged over the window. */
  dropTarget = $state(false);
  ready = $state(false);
  /** Which view the right-hand panel shows: the recognised text, the prompt box of a model, or batch runs. */
  rightTab = $state<'text' | 'model' | 'batch' | 'document'>('text');
  /** Width of the text panel in CSS pixels, set by dragging its splitter. */
  textPanelWidth = $state(320);

  resizeTextPanel(dx: number): void {
    // The panel is on the right: dragging left makes it wider.
    this.textPanelWidth = Math.min(TEXT_PANEL_MAX, Math.max(TEXT_PANEL_MIN, this.textPanelWidth - dx));
  }
}
