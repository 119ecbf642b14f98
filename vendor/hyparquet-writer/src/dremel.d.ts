import type { DecodedArray, SchemaTree } from 'hyparquet';
import type { PageData } from '../src/types.js';
/**
 * @import {DecodedArray, SchemaElement, SchemaTree} from 'hyparquet'
 * @import {PageData} from '../src/types.js'
 */
/**
 * Encode column values into repetition and definition levels following the
 * Dremel algorithm. Returns page data for one subcolumn (leaf node in the schema).
 *
 * @param {SchemaTree[]} treePath schema tree nodes from root to leaf
 * @param {DecodedArray} rows top-level column data
 * @returns {PageData}
 */
export declare function encodeNestedValues(treePath: SchemaTree[], rows: DecodedArray): PageData;
//# sourceMappingURL=dremel.d.ts.map