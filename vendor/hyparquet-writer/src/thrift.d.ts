/**
 * @import {ThriftField, ThriftType, Writer} from '../src/types.js'
 */
import type { ThriftField, Writer } from '../src/types.js';
export declare const DOUBLE = 7;
/** A Thrift struct whose field ids and Compact Protocol types are already resolved. */
export declare class ThriftStruct {
    fields: ThriftField[];
    /**
     * @param {ThriftField[]} fields
     */
    constructor(fields: ThriftField[]);
}
/**
 * Serialize a JS object in TCompactProtocol format.
 *
 * Expects keys named like "field_1", "field_2", etc. in ascending order.
 *
 * @param {Writer} writer
 * @param {{ [key: `field_${number}`]: any }} data
 */
export declare function serializeTCompactProtocol(writer: Writer, data: {
    [key: `field_${number}`]: any;
}): void;
//# sourceMappingURL=thrift.d.ts.map