/**
 * The map (issue 17 item 4): the district outline with its sites at their coordinates (an ECharts SVG drawn
 * on the server, no tiles), then the streets/towns as a tile grid coloured by their worst verdict — there is
 * no street/town boundary data, so each gets a square placed by where its sites are (docs/decisions.md).
 */
import type { AreaTile, Overview } from '../../api/views/overview.js';
import type { StationRow } from '../../api/queries/reference-read.js';
import { html, type SafeHtml } from '../html.js';
import { localName } from '../i18n.js';
import { layout, statusBadge, type PageContext } from '../layout.js';
import { opsWords } from './ops-words.js';

export interface GridTile {
  tile: AreaTile;
  row: number;
  col: number;
}

/**
 * Places each street/town on a grid cell near where its sites are: the centre of its sites' coordinates is
 * scaled onto a cols × rows grid (north up), and the tiles, nearest-to-their-spot first, take the free cell
 * closest to it. Areas with no site coordinates fill the last row. Deterministic for the same input.
 */
export function layoutTileGrid(
  areas: readonly AreaTile[],
  sites: readonly StationRow[],
): {
  tiles: GridTile[];
  rows: number;
  cols: number;
} {
  const centre = new Map<string, { lat: number; lon: number }>();
  for (const a of areas) {
    const own = sites.filter((s) => s.area_id === a.id && s.latitude !== null && s.longitude !== null);
    if (own.length === 0) continue;
    centre.set(a.id, {
      lat: own.reduce((x, s) => x + s.latitude!, 0) / own.length,
      lon: own.reduce((x, s) => x + s.longitude!, 0) / own.length,
    });
  }
  const placed = areas.filter((a) => centre.has(a.id));
  const cols = Math.max(1, Math.ceil(Math.sqrt(areas.length * 1.3)));
  const rows = Math.max(1, Math.ceil(placed.length / cols) + 1);
  const pts = [...centre.values()];
  const [minLat, maxLat] = [Math.min(...pts.map((p) => p.lat)), Math.max(...pts.map((p) => p.lat))];
  const [minLon, maxLon] = [Math.min(...pts.map((p) => p.lon)), Math.max(...pts.map((p) => p.lon))];
  const spot = (id: string) => {
    const c = centre.get(id)!;
    return {
      x: maxLon > minLon ? ((c.lon - minLon) / (maxLon - minLon)) * (cols - 1) : (cols - 1) / 2,
      y: maxLat > minLat ? ((maxLat - c.lat) / (maxLat - minLat)) * (rows - 1) : (rows - 1) / 2,
    };
  };
  const taken = new Set<string>();
  const tiles: GridTile[] = [];
  // Tiles whose spot falls nearest a cell centre choose first, so a lone tile is not pushed by a crowd.
  const order = [...placed].sort((a, b) => {
    const sa = spot(a.id);
    const sb = spot(b.id);
    const da = Math.hypot(sa.x - Math.round(sa.x), sa.y - Math.round(sa.y));
    const db = Math.hypot(sb.x - Math.round(sb.x), sb.y - Math.round(sb.y));
    return da - db || a.id.localeCompare(b.id);
  });
  for (const a of order) {
    const s = spot(a.id);
    let best: { row: number; col: number; d: number } | null = null;
    for (let row = 0; row < rows; row++)
      for (let col = 0; col < cols; col++) {
        if (taken.has(`${row},${col}`)) continue;
        const d = Math.hypot(col - s.x, row - s.y);
        if (!best || d < best.d) best = { row, col, d };
      }
    taken.add(`${best!.row},${best!.col}`);
    tiles.push({ tile: a, row: best!.row, col: best!.col });
  }
  let next = rows * cols;
  const unplaced = areas.filter((a) => !centre.has(a.id));
  for (const a of unplaced) {
    tiles.push({ tile: a, row: Math.floor(next / cols), col: next % cols });
    next++;
  }
  const usedRows = tiles.length === 0 ? 0 : Math.max(...tiles.map((t) => t.row)) + 1;
  return { tiles, rows: usedRows, cols };
}

/** Every cell of the grid in reading order, empty ones as null: the page needs no per-cell position classes. */
function gridCells(grid: { tiles: GridTile[]; rows: number; cols: number }): (GridTile | null)[] {
  const at = new Map(grid.tiles.map((g) => [g.row * grid.cols + g.col, g]));
  return Array.from({ length: grid.rows * grid.cols }, (_, i) => at.get(i) ?? null);
}

const KIND_WORD = {
  air_station: 'airStations',
  dust_fall_site: 'dustFall',
  water_section: 'waterSections',
} as const;

export function mapPage(
  pc: PageContext,
  o: Overview,
  sites: readonly StationRow[],
  map: SafeHtml,
  outlinePackage: string,
): SafeHtml {
  const { locale, t } = pc;
  const w = opsWords(locale);
  const district = localName(locale, o.district.nameZh, o.district.nameEn);
  const grid = layoutTileGrid(o.areas, sites);
  const withCoords = sites.filter((s) => s.latitude !== null && s.longitude !== null).length;
  const body = html`<p class="muted">${w('mapOutlineNote', { pkg: outlinePackage })}</p>
    <figure class="map" id="district-map">
      ${map}
      <figcaption class="legend">
        ${(['air_station', 'dust_fall_site', 'water_section'] as const)
          .filter((k) => sites.some((s) => s.kind === k && s.latitude !== null))
          .map((k) => html`<span class="mark ${k}">${w(KIND_WORD[k])}</span>`)}
      </figcaption>
    </figure>
    <h2>${w('tileGrid')}</h2>
    <p class="muted">${w('tileGridNote')}</p>
    <div class="legend">
      ${(['breached', 'at_risk', 'insufficient_data', 'met', 'none'] as const).map((s) => statusBadge(pc, s))}
    </div>
    <div class="tile-grid cols-${grid.cols}" id="tile-grid" data-cols="${grid.cols}">
      ${gridCells(grid).map((g) =>
        g
          ? html`<a
              class="gtile s-${g.tile.status}"
              href="/areas/${g.tile.id}?year=${o.year}"
              data-area="${g.tile.id}"
              data-status="${g.tile.status}"
              data-row="${g.row}"
              data-col="${g.col}"
              ><span class="name">${locale === 'en' ? g.tile.nameEn : g.tile.shortZh}</span
              ><span class="meta">${t(`status_${g.tile.status}`)}</span></a
            >`
          : html`<span class="gtile empty"></span>`,
      )}
    </div>
    <h2>${w('sitesOnMap', { n: withCoords, m: sites.length - withCoords })}</h2>
    <div class="table-wrap" tabindex="0">
      <table id="map-sites">
        <thead>
          <tr>
            <th scope="col">${w('siteName')}</th>
            <th scope="col">${w('kind')}</th>
            <th scope="col">${w('coordinates')}</th>
          </tr>
        </thead>
        <tbody>
          ${sites.map(
            (s) =>
              html`<tr data-site="${s.id}">
                <td>
                  ${localName(locale, s.name_zh, s.name_en)}${s.is_example ? html` <span class="badge s-none">${w('example')}</span>` : ''}
                </td>
                <td>
                  ${KIND_WORD[s.kind as keyof typeof KIND_WORD] ? w(KIND_WORD[s.kind as keyof typeof KIND_WORD]) : s.kind}
                </td>
                <td class="num">
                  ${s.latitude !== null && s.longitude !== null ? `${s.latitude.toFixed(3)}, ${s.longitude.toFixed(3)}` : w('noCoordinates')}
                </td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
  return layout(pc, w('mapTitle', { district }), body, 'overview');
}
