/** Window bounds remembered between runs, and where to put the window when the screens changed. */
export interface Bounds {
  x: number;
  y: number;
  width: number;
  height: number;
}
export interface WindowState {
  bounds: Bounds;
  maximized: boolean;
}

export const defaultSize = { width: 1280, height: 820 } as const;
const minimumVisible = 64;

/** A saved state as read from disk: anything malformed yields null, never a crash. */
export function parseWindowState(text: string | null): WindowState | null {
  if (!text) return null;
  try {
    const value = JSON.parse(text) as Partial<WindowState> | null;
    const b = value?.bounds;
    if (!b || ![b.x, b.y, b.width, b.height].every((n) => Number.isFinite(n))) return null;
    return { bounds: { x: b.x, y: b.y, width: b.width, height: b.height }, maximized: value.maximized === true };
  } catch {
    return null;
  }
}

/**
 * The bounds to open with: the saved ones when enough of the window would be on one of today's
 * displays (a monitor may have been unplugged), else the default size, centred by the OS.
 */
export function restoreBounds(saved: WindowState | null, workAreas: Bounds[]): Partial<Bounds> & { width: number; height: number } {
  if (!saved) return { ...defaultSize };
  const { bounds } = saved;
  const visible = workAreas.some(
    (area) =>
      overlap(bounds.x, bounds.width, area.x, area.width) >= minimumVisible &&
      overlap(bounds.y, bounds.height, area.y, area.height) >= minimumVisible,
  );
  if (!visible) return { width: Math.min(bounds.width, defaultSize.width), height: Math.min(bounds.height, defaultSize.height) };
  return { ...bounds };
}

function overlap(start: number, length: number, areaStart: number, areaLength: number): number {
  return Math.min(start + length, areaStart + areaLength) - Math.max(start, areaStart);
}
