import type { Geometry } from 'hyparquet/src/types.js';
/**
 * @import {Geometry, Position} from 'hyparquet/src/types.js'
 */
/**
 * Serialize a GeoJSON geometry into ISO WKB.
 *
 * @param {Geometry} geometry
 * @returns {Uint8Array}
 */
export declare function geojsonToWkb(geometry: Geometry): Uint8Array;
//# sourceMappingURL=wkb.d.ts.map