import type { PageIndexes, Writer } from '../src/types.js';
/**
 * @import {ColumnChunk, OffsetIndex} from 'hyparquet'
 * @import {PageColumnIndex, PageIndexes, Writer} from '../src/types.js'
 */
/**
 * Write ColumnIndex and OffsetIndex for the given columns.
 *
 * @param {Writer} writer
 * @param {PageIndexes[]} pageIndexes
 */
export declare function writeIndexes(writer: Writer, pageIndexes: PageIndexes[]): void;
//# sourceMappingURL=indexes.d.ts.map