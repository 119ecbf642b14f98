import type { DecodedArray, GeospatialStatistics } from 'hyparquet/src/types.js';
/**
 * Compute geospatial statistics for GEOMETRY and GEOGRAPHY columns.
 *
 * @import {BoundingBox, DecodedArray, Geometry, GeospatialStatistics} from 'hyparquet/src/types.js'
 * @param {DecodedArray} values
 * @returns {GeospatialStatistics | undefined}
 */
export declare function geospatialStatistics(values: DecodedArray): GeospatialStatistics | undefined;
//# sourceMappingURL=geospatial.d.ts.map