import test from 'ava';
import { formatNdjson, formatTable } from '../../cli/table-printer.js';

const result = {
  columns: ['id', 'status', 'body'],
  rows: [
    { id: 'a', status: 200, body: 'line one\nline two' },
    { id: 'bb', status: null, body: 'x'.repeat(30) },
  ],
};

test('formatTable: aligned columns, numbers right, NULL, one line per row, long cells cut', (t) => {
  t.is(formatTable(result, { maxCellWidth: 10 }), [
    'id | status | body',
    '---+--------+-----------',
    'a  |    200 | line one …',
    'bb |   NULL | xxxxxxxxx…',
    '(2 rows)',
    '',
  ].join('\n'));
});

test('formatTable: no rows still shows the header', (t) => {
  t.is(formatTable({ columns: ['id'], rows: [] }), 'id\n--\n(0 rows)\n');
});

test('formatNdjson: full values, one object per row', (t) => {
  const lines = formatNdjson(result).trimEnd().split('\n');
  t.is(lines.length, 2);
  t.deepEqual(JSON.parse(lines[1]!), result.rows[1]);
});
