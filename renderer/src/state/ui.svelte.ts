// Window-level switches that are nobody else's business: panels shown, dialogs open.
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
    this.textPanelWidth = Math.min(720, Math.max(220, this.textPanelWidth - dx));
  }
}
