/**
 * @param {Object} options
 * @param {Writer} options.writer
 * @param {ColumnEncoder} options.column
 * @param {Encoding} options.encoding
 * @param {PageData} options.pageData
 * @returns {number} uncompressed page size including the header
 */
export declare function writeDataPageV2({ writer, column, encoding, pageData }: {
    writer: Writer;
    column: ColumnEncoder;
    encoding: Encoding;
    pageData: PageData;
}): number;
/**
 * @param {Writer} writer
 * @param {PageHeader} header
 */
export declare function writePageHeader(writer: Writer, header: PageHeader): void;
import type { Encoding, PageHeader } from 'hyparquet';
import type { ColumnEncoder, PageData, Writer } from '../src/types.js';
//# sourceMappingURL=datapage.d.ts.map