// The central page view: state is read from data attributes on its root, geometry from the
// bounding boxes of the page image and overlay shapes.
import { expect, type Locator, type Page } from '@playwright/test';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export class Viewer {
  readonly root: Locator;
  readonly image: Locator;
  readonly overlay: Locator;
  readonly tooltip: Locator;
  /** The thumbnail stretched over the page while the preview loads. */
  readonly placeholder: Locator;

  constructor(private readonly page: Page) {
    this.root = page.getByTestId('viewer');
    this.image = this.root.getByTestId('page-image');
    this.overlay = this.root.getByTestId('overlay');
    this.tooltip = page.getByTestId('shape-tooltip');
    this.placeholder = this.root.getByTestId('page-placeholder');
  }

  shape(id: string): Locator {
    return this.overlay.locator(`[data-shape-id="${id}"]`);
  }

  shapesWithTone(tone: string): Locator {
    return this.overlay.locator(`[data-tone="${tone}"]`);
  }

  lineShapes(): Locator {
    return this.overlay.locator('[data-shape-id^="line-"]');
  }

  async documentId(): Promise<string> {
    return (await this.root.getAttribute('data-document-id')) ?? '';
  }

  async pageIndex(): Promise<number> {
    return Number(await this.root.getAttribute('data-page-index'));
  }

  async zoom(): Promise<number> {
    return Number(await this.root.getAttribute('data-zoom'));
  }

  async pageSize(): Promise<{ width: number; height: number }> {
    return { width: Number(await this.root.getAttribute('data-page-width')), height: Number(await this.root.getAttribute('data-page-height')) };
  }

  async expectPage(documentId: string, index: number): Promise<void> {
    await expect(this.root).toHaveAttribute('data-document-id', documentId);
    await expect(this.root).toHaveAttribute('data-page-index', String(index));
    await expect(this.root).toHaveAttribute('data-image-loaded', 'true');
  }

  async expectZoomChangedFrom(previous: number): Promise<number> {
    await expect(this.root).not.toHaveAttribute('data-zoom', previous.toFixed(4));
    return this.zoom();
  }

  async imageNaturalSize(): Promise<{ width: number; height: number }> {
    return this.image.evaluate((img: HTMLImageElement) => ({ width: img.naturalWidth, height: img.naturalHeight }));
  }

  async imageBox(): Promise<Box> {
    const b = await this.image.boundingBox();
    if (!b) throw new Error('the page image has no bounding box (not rendered?)');
    return b;
  }

  async shapeBox(id: string): Promise<Box> {
    const b = await this.shape(id).boundingBox();
    if (!b) throw new Error(`overlay shape ${id} has no bounding box`);
    return b;
  }

  /**
   * The page image's box and a shape's box measured in the same frame, so a zoom still settling
   * cannot make two separate measurements disagree.
   */
  async imageAndShape(shapeId: string): Promise<{ image: Box; shape: Box }> {
    return this.root.evaluate((root, id) => {
      const box = (el: Element | null): { x: number; y: number; width: number; height: number } => {
        if (!el) throw new Error(`viewer: no element for ${id}`);
        const b = el.getBoundingClientRect();
        return { x: b.x, y: b.y, width: b.width, height: b.height };
      };
      return { image: box(root.querySelector('[data-testid="page-image"]')), shape: box(root.querySelector(`[data-shape-id="${id}"]`)) };
    }, shapeId);
  }

  async viewerBox(): Promise<Box> {
    const b = await this.root.boundingBox();
    if (!b) throw new Error('the viewer has no bounding box');
    return b;
  }

  /** Drags with the left button from the viewer centre by (dx, dy) screen pixels. */
  async dragBy(dx: number, dy: number): Promise<void> {
    const v = await this.viewerBox();
    const x = v.x + v.width / 2;
    const y = v.y + v.height / 2;
    await this.page.mouse.move(x, y);
    await this.page.mouse.down();
    await this.page.mouse.move(x + dx / 2, y + dy / 2, { steps: 4 });
    await this.page.mouse.move(x + dx, y + dy, { steps: 4 });
    await this.page.mouse.up();
  }

  /** Ctrl+wheel over a viewer point (fractions of the viewer size). */
  async ctrlWheel(deltaY: number, at = { fx: 0.5, fy: 0.5 }): Promise<void> {
    const v = await this.viewerBox();
    await this.page.mouse.move(v.x + v.width * at.fx, v.y + v.height * at.fy);
    await this.page.keyboard.down('Control');
    await this.page.mouse.wheel(0, deltaY);
    await this.page.keyboard.up('Control');
  }

  async wheel(dx: number, dy: number): Promise<void> {
    const v = await this.viewerBox();
    await this.page.mouse.move(v.x + v.width / 2, v.y + v.height / 2);
    await this.page.mouse.wheel(dx, dy);
  }

  async focus(): Promise<void> {
    await this.root.focus();
  }
}
