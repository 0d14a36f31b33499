// Window-level switches that are nobody else's business: panels shown, dialogs open.
export class UiState {
  helpOpen = $state(false);
  showThumbnails = $state(true);
  showBoxes = $state(true);
  /** Files are being dragged over the window. */
  dropTarget = $state(false);
  ready = $state(false);
}
