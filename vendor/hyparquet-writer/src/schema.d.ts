import type { DecodedArray, SchemaElement, SchemaTree } from 'hyparquet';
import type { ColumnSource } from '../src/types.js';
/**
 * @import {ConvertedType, DecodedArray, FieldRepetitionType, ParquetType, SchemaElement, SchemaTree} from 'hyparquet'
 * @import {BasicType, ColumnSource, ShredType} from '../src/types.js'
 */
/**
 * Infer a schema from column data.
 * Accepts optional schemaOverrides to override the type of columns by name.
 *
 * @param {object} options
 * @param {ColumnSource[]} options.columnData
 * @param {Record<string, SchemaElement>} [options.schemaOverrides]
 * @returns {SchemaElement[]}
 */
export declare function schemaFromColumnData({ columnData, schemaOverrides }: {
    columnData: ColumnSource[];
    schemaOverrides?: Record<string, SchemaElement>;
}): SchemaElement[];
/**
 * Automatically determine a SchemaElement from an array of values.
 *
 * @param {string} name the column name
 * @param {DecodedArray} values the column values
 * @returns {SchemaElement}
 */
export declare function autoSchemaElement(name: string, values: DecodedArray): SchemaElement;
/**
 * Get the max repetition level for a given schema path.
 *
 * @param {SchemaElement[]} schemaPath
 * @returns {number} max repetition level
 */
export declare function getMaxRepetitionLevel(schemaPath: SchemaElement[]): number;
/**
 * Create a function that resolves element paths against a schema.
 * The schema tree is built once, so resolving every column of a wide schema
 * costs O(columns) instead of the O(columns²) of calling getSchemaPath per column.
 *
 * @param {SchemaElement[]} schema
 * @returns {(path: string[]) => SchemaTree[]} schema elements from the root to the named element
 */
export declare function schemaPathResolver(schema: SchemaElement[]): (path: string[]) => SchemaTree[];
//# sourceMappingURL=schema.d.ts.map