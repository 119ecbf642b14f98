/**
 * The cost model of docs/cost.md: AWS charges per million audited calls, from the event size,
 * the benchmark's calls and records per event, the Lambda batching and the gzip ratio.
 *
 *   node --import=tsx docs/snippets/cost-model.ts            # prints the tables pasted in docs/cost.md
 *
 * Change DEFAULT_INPUTS (or call costModel with your own) to redo it for your traffic.
 * Prices are inputs too: check them against the AWS pricing pages for your region and date.
 */
import { pathToFileURL } from 'node:url';

const KiB = 1024;
const GiB = 1024 ** 3;
const TiB = 1024 ** 4;
/** AWS bills "GB-month" over a 730-hour month. */
const HOURS_PER_MONTH = 730;
const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;

export interface Prices {
  /** When and where these were taken. */
  asOf: string;
  kinesisOnDemandStreamHour: number;
  kinesisOnDemandIngestPerGiB: number;
  kinesisOnDemandRetrievalPerGiB: number;
  /** Retention from 24 h up to 7 days, on-demand. */
  kinesisOnDemandExtendedRetentionPerGiBMonth: number;
  kinesisProvisionedShardHour: number;
  kinesisProvisionedPerMillionPutPayloadUnits: number;
  /** Retention from 24 h up to 7 days, provisioned. */
  kinesisProvisionedExtendedRetentionShardHour: number;
  lambdaArmPerGBSecond: number;
  lambdaPerMillionRequests: number;
  s3StandardPerGiBMonth: number;
  s3ColdPerGiBMonth: number;
  s3PutPer1000: number;
  s3GetPer1000: number;
  s3TransitionPer1000: number;
  athenaPerTiBScanned: number;
  firehoseIngestPerGiB: number;
  firehoseDynamicPartitioningPerGiB: number;
  firehoseDynamicPartitioningPer1000Objects: number;
}

/** us-east-1 list prices as assumed in docs/cost.md. */
export const US_EAST_1: Prices = {
  asOf: 'us-east-1 list prices, as assumed on 2026-11-25',
  kinesisOnDemandStreamHour: 0.04,
  kinesisOnDemandIngestPerGiB: 0.08,
  kinesisOnDemandRetrievalPerGiB: 0.04,
  kinesisOnDemandExtendedRetentionPerGiBMonth: 0.10,
  kinesisProvisionedShardHour: 0.015,
  kinesisProvisionedPerMillionPutPayloadUnits: 0.014,
  kinesisProvisionedExtendedRetentionShardHour: 0.02,
  lambdaArmPerGBSecond: 0.0000133334,
  lambdaPerMillionRequests: 0.20,
  s3StandardPerGiBMonth: 0.023,
  s3ColdPerGiBMonth: 0.004, // GLACIER_IR, the template's default ColdStorageClass
  s3PutPer1000: 0.005,
  s3GetPer1000: 0.0004,
  s3TransitionPer1000: 0.02, // lifecycle transition requests into GLACIER_IR
  athenaPerTiBScanned: 5,
  firehoseIngestPerGiB: 0.029,
  firehoseDynamicPartitioningPerGiB: 0.02,
  firehoseDynamicPartitioningPer1000Objects: 0.005,
};

export interface CostInputs {
  prices: Prices;
  /** Audited calls (events) to price. */
  events: number;
  /** Serialized event, bytes (one JSON line without its newline). */
  eventBytes: number;
  /** Kinesis partition key, bytes (the account id by default). */
  partitionKeyBytes: number;
  /** With kinesis.aggregate: bytes per aggregated Kinesis record (benchmark: 16,850,422 bytes in 17 records). */
  aggregatedRecordBytes: number;
  /** With kinesis.aggregate: framing bytes added per event (benchmark: 16,850,422 / 10,000 − 1,683 ≈ 2). */
  aggregationOverheadBytes: number;
  /** Event source mapping BatchSize (Kinesis records per invocation). */
  batchSize: number;
  /** Lambda's invocation payload limit, bytes; the records arrive base64 encoded (4/3). */
  lambdaPayloadBytes: number;
  /** Distinct accounts among the events of one invocation (one shard, one day): one S3 object each. */
  accountsPerBatch: number;
  /** NDJSON bytes / gzip bytes of one object. */
  gzipRatio: number;
  /** Billed kinesis-to-s3 duration per event, ms (an estimate: read your CloudWatch Duration). */
  lambdaMsPerEvent: number;
  lambdaMemoryMB: number;
  /** Billed partition-loader duration per S3 object, ms (mostly cache hits: an estimate). */
  loaderMsPerObject: number;
  loaderMemoryMB: number;
  /** Template RetentionPeriodHours. */
  streamRetentionHours: number;
  transitionDays: number;
  expirationDays: number;
  /** Objects smaller than this are not transitioned by S3 lifecycle (its default since 2024). */
  transitionMinObjectBytes: number;
  /** Average traffic, for the fixed per-hour charges and Firehose's 60 s buffer. */
  eventsPerSecond: number;
  /** Accounts active within one Firehose buffer interval: one object each per interval. */
  firehoseActiveAccounts: number;
  firehoseBufferSeconds: number;
}

export const DEFAULT_INPUTS: CostInputs = {
  prices: US_EAST_1,
  events: 1_000_000,
  eventBytes: 1_676, // bench/delivery-common.ts benchEvent, measured (docs/cost.md)
  partitionKeyBytes: 7, // "acct-NN": 1,683 bytes per record on the wire in docs/benchmarks-delivery.md
  aggregatedRecordBytes: 16_850_422 / 17,
  aggregationOverheadBytes: 16_850_422 / 10_000 - 1_683,
  batchSize: 1_000,
  lambdaPayloadBytes: 6 * 1024 * 1024,
  accountsPerBatch: 50,
  gzipRatio: 16.1,
  lambdaMsPerEvent: 2,
  lambdaMemoryMB: 256,
  loaderMsPerObject: 20,
  loaderMemoryMB: 128,
  streamRetentionHours: 168,
  transitionDays: 90,
  expirationDays: 400,
  transitionMinObjectBytes: 128 * KiB,
  eventsPerSecond: 100,
  firehoseActiveAccounts: 50,
  firehoseBufferSeconds: 60,
};

export interface CostLine {
  item: string;
  quantity: number;
  unit: string;
  unitPrice: number;
  cost: number;
}

export interface Scenario {
  name: string;
  lines: CostLine[];
  total: number;
  /** Facts the lines were computed from. */
  facts: Record<string, number>;
}

const line = (item: string, quantity: number, unit: string, unitPrice: number, per = 1): CostLine =>
  ({ item, quantity, unit, unitPrice, cost: (quantity / per) * unitPrice });

/** S3 storage over the object's life, and the transition requests if the objects are big enough to move. */
function storageLines(i: CostInputs, gzipGiB: number, objects: number, objectBytes: number): CostLine[] {
  const p = i.prices;
  if (objectBytes < i.transitionMinObjectBytes) {
    return [line(`S3 Standard, ${i.expirationDays} days (objects < 128 KiB are never transitioned)`,
      gzipGiB * (i.expirationDays / DAYS_PER_MONTH), 'GiB-month', p.s3StandardPerGiBMonth)];
  }
  return [
    line(`S3 Standard, first ${i.transitionDays} days`, gzipGiB * (i.transitionDays / DAYS_PER_MONTH), 'GiB-month', p.s3StandardPerGiBMonth),
    line('S3 lifecycle transition requests', objects, 'objects', p.s3TransitionPer1000, 1000),
    line(`S3 cold class, days ${i.transitionDays}–${i.expirationDays}`, gzipGiB * ((i.expirationDays - i.transitionDays) / DAYS_PER_MONTH), 'GiB-month', p.s3ColdPerGiBMonth),
  ];
}

function loaderLines(i: CostInputs, objects: number): CostLine[] {
  const p = i.prices;
  return [
    line('partition-loader requests (one per object)', objects, 'requests', p.lambdaPerMillionRequests, 1e6),
    line(`partition-loader duration (${i.loaderMsPerObject} ms × ${i.loaderMemoryMB} MB per object)`,
      objects * (i.loaderMsPerObject / 1000) * (i.loaderMemoryMB / 1024), 'GB-s', p.lambdaArmPerGBSecond),
  ];
}

function finish(name: string, lines: CostLine[], facts: Record<string, number>): Scenario {
  return { name, lines, facts, total: lines.reduce((s, l) => s + l.cost, 0) };
}

/** Shards a provisioned stream needs for this traffic: 1 MB/s and 1,000 records/s of writes per shard. */
export function shardsNeeded(i: CostInputs, aggregate: boolean): number {
  const plainRecordBytes = i.eventBytes + i.partitionKeyBytes;
  const eventsPerRecord = aggregate ? i.aggregatedRecordBytes / (plainRecordBytes + i.aggregationOverheadBytes) : 1;
  const bytesPerSecond = i.eventsPerSecond * (plainRecordBytes + (aggregate ? i.aggregationOverheadBytes : 0));
  return Math.max(1, Math.ceil(bytesPerSecond / 1e6), Math.ceil(i.eventsPerSecond / eventsPerRecord / 1000));
}

function kinesisLambda(i: CostInputs, aggregate: boolean, capacity: 'on-demand' | 'provisioned' = 'on-demand'): Scenario {
  const p = i.prices;
  const plainRecordBytes = i.eventBytes + i.partitionKeyBytes;
  const eventsPerRecord = aggregate ? i.aggregatedRecordBytes / (plainRecordBytes + i.aggregationOverheadBytes) : 1;
  const records = i.events / eventsPerRecord;
  const recordBytes = aggregate ? i.aggregatedRecordBytes : plainRecordBytes;
  // On-demand bills each record rounded up to the next KiB.
  const billedGiB = (records * Math.ceil(recordBytes / KiB) * KiB) / GiB;
  const recordsPerInvocation = Math.min(i.batchSize, Math.floor((i.lambdaPayloadBytes * 3) / 4 / recordBytes));
  const eventsPerInvocation = recordsPerInvocation * eventsPerRecord;
  const invocations = i.events / eventsPerInvocation;
  const eventsPerObject = Math.max(1, eventsPerInvocation / i.accountsPerBatch);
  const objects = i.events / eventsPerObject;
  const objectBytes = (eventsPerObject * (i.eventBytes + 1)) / i.gzipRatio;
  const gzipGiB = (i.events * (i.eventBytes + 1)) / i.gzipRatio / GiB;
  const millionsPerMonth = (i.eventsPerSecond * 3600 * HOURS_PER_MONTH) / 1e6;
  const extraRetentionMonths = Math.max(0, i.streamRetentionHours - 24) / HOURS_PER_MONTH;
  const shards = shardsNeeded(i, aggregate);
  const shardHours = shards * (HOURS_PER_MONTH / millionsPerMonth) * (i.events / 1e6);
  const streamLines = capacity === 'on-demand' ? [
    line(`Kinesis stream-hours (on-demand, 730 h/month spread over ${millionsPerMonth.toFixed(1)} M events/month)`,
      (HOURS_PER_MONTH / millionsPerMonth) * (i.events / 1e6), 'stream-hours', p.kinesisOnDemandStreamHour),
    line('Kinesis data in (each record rounded up to 1 KiB)', billedGiB, 'GiB', p.kinesisOnDemandIngestPerGiB),
    line('Kinesis data retrieved by the Lambda', billedGiB, 'GiB', p.kinesisOnDemandRetrievalPerGiB),
    line(`Kinesis extended retention (${i.streamRetentionHours} h)`, billedGiB * extraRetentionMonths, 'GiB-month', p.kinesisOnDemandExtendedRetentionPerGiBMonth),
  ] : [
    line(`Kinesis shard-hours (provisioned, ${shards} shard${shards > 1 ? 's' : ''} for ${i.eventsPerSecond} events/s)`, shardHours, 'shard-hours', p.kinesisProvisionedShardHour),
    provisionedPayloadUnits(i, aggregate),
    ...(i.streamRetentionHours > 24 ? [line(`Kinesis extended retention (${i.streamRetentionHours} h), per shard-hour`, shardHours, 'shard-hours', p.kinesisProvisionedExtendedRetentionShardHour)] : []),
  ];
  const lines = [
    ...streamLines,
    line('kinesis-to-s3 requests', invocations, 'requests', p.lambdaPerMillionRequests, 1e6),
    line(`kinesis-to-s3 duration (${i.lambdaMsPerEvent} ms × ${i.lambdaMemoryMB} MB per event)`,
      i.events * (i.lambdaMsPerEvent / 1000) * (i.lambdaMemoryMB / 1024), 'GB-s', p.lambdaArmPerGBSecond),
    line('S3 PUT (one object per shard, account and day per invocation)', objects, 'PUTs', p.s3PutPer1000, 1000),
    ...loaderLines(i, objects),
    ...storageLines(i, gzipGiB, objects, objectBytes),
  ];
  const name = capacity === 'provisioned'
    ? `Kinesis provisioned (KinesisStreamMode: PROVISIONED) + Lambda${aggregate ? ', kinesis.aggregate: true' : ''}`
    : aggregate ? 'Kinesis + Lambda, kinesis.aggregate: true' : 'Kinesis + Lambda (template default)';
  return finish(name, lines, {
    records, recordBytes, ...(capacity === 'on-demand' ? { billedGiB } : { shards }), eventsPerInvocation, invocations, eventsPerObject, objects, objectBytes, gzipGiB,
  });
}

function firehose(i: CostInputs): Scenario {
  const p = i.prices;
  const recordBytes = i.eventBytes + 1; // the sink appends "\n"
  // Firehose ingestion bills each record rounded up to the next 5 KiB.
  const billedGiB = (i.events * Math.ceil(recordBytes / (5 * KiB)) * 5 * KiB) / GiB;
  const actualGiB = (i.events * recordBytes) / GiB;
  const eventsPerObject = Math.max(1, (i.eventsPerSecond * i.firehoseBufferSeconds) / i.firehoseActiveAccounts);
  const objects = i.events / eventsPerObject;
  const objectBytes = (eventsPerObject * recordBytes) / i.gzipRatio;
  const gzipGiB = actualGiB / i.gzipRatio;
  const lines = [
    line('Firehose ingestion (each record rounded up to 5 KiB)', billedGiB, 'GiB', p.firehoseIngestPerGiB),
    line('Firehose dynamic partitioning, data', actualGiB, 'GiB', p.firehoseDynamicPartitioningPerGiB),
    line(`Firehose dynamic partitioning, objects (${i.firehoseBufferSeconds} s buffer per account)`, objects, 'objects', p.firehoseDynamicPartitioningPer1000Objects, 1000),
    line('S3 PUT by Firehose', objects, 'PUTs', p.s3PutPer1000, 1000),
    ...loaderLines(i, objects),
    ...storageLines(i, gzipGiB, objects, objectBytes),
  ];
  return finish('Firehose dynamic partitioning', lines, { recordBytes, billedGiB, actualGiB, eventsPerObject, objects, objectBytes, gzipGiB });
}

/** Reading the data back: one Athena scan over all the events, and the S3 GETs it makes. */
function athena(i: CostInputs, objects: number): Scenario {
  const p = i.prices;
  const gzipBytes = (i.events * (i.eventBytes + 1)) / i.gzipRatio;
  return finish('Athena, one query scanning all of them', [
    line('Athena data scanned (gzip bytes)', gzipBytes / TiB, 'TiB', p.athenaPerTiBScanned),
    line('S3 GET, one per object read', objects, 'GETs', p.s3GetPer1000, 1000),
  ], { gzipBytes });
}

/** Provisioned Kinesis instead of on-demand: PUT payload units (25 KiB each, per record). */
function provisionedPayloadUnits(i: CostInputs, aggregate: boolean): CostLine {
  const plainRecordBytes = i.eventBytes + i.partitionKeyBytes;
  const records = aggregate ? (i.events * (plainRecordBytes + i.aggregationOverheadBytes)) / i.aggregatedRecordBytes : i.events;
  const recordBytes = aggregate ? i.aggregatedRecordBytes : plainRecordBytes;
  const units = records * Math.ceil(recordBytes / (25 * KiB));
  return line(`PUT payload units${aggregate ? ', aggregate: true' : ''}`, units, 'units', i.prices.kinesisProvisionedPerMillionPutPayloadUnits, 1e6);
}

export function costModel(inputs: Partial<CostInputs> = {}) {
  const i: CostInputs = { ...DEFAULT_INPUTS, ...inputs };
  const plain = kinesisLambda(i, false);
  const aggregated = kinesisLambda(i, true);
  return {
    inputs: i,
    scenarios: [plain, aggregated, kinesisLambda(i, false, 'provisioned'), kinesisLambda(i, true, 'provisioned'), firehose(i)],
    athena: athena(i, plain.facts.objects ?? 0),
    provisioned: [provisionedPayloadUnits(i, false), provisionedPayloadUnits(i, true)],
  };
}

const num = (n: number): string =>
  n >= 100 ? Math.round(n).toLocaleString('en-US') : n >= 1 ? n.toFixed(2) : n.toPrecision(3);
const usd = (n: number): string => `$${n >= 0.01 ? n.toFixed(4) : n.toFixed(6)}`;

export function markdownTable(lines: readonly CostLine[], total?: number): string {
  const rows = lines.map((l) => `| ${l.item} | ${num(l.quantity)} ${l.unit} | ${usd(l.unitPrice)}${perLabel(l)} | ${usd(l.cost)} |`);
  if (total !== undefined) rows.push(`| **total** | | | **${usd(total)}** |`);
  return ['| item | quantity | price | cost |', '|---|---:|---:|---:|', ...rows].join('\n');
}

function perLabel(l: CostLine): string {
  if (l.unit === 'requests' || l.unit === 'units') return ' per million';
  if (l.unit === 'PUTs' || l.unit === 'GETs' || l.unit === 'objects') return ' per 1,000';
  if (l.unit === 'shard-hours') return ' per shard-hour';
  return l.unit === 'GB-s' ? ' per GB-s' : ` per ${l.unit.replace(/s$/, '')}`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const model = costModel();
  console.log(`Per ${model.inputs.events.toLocaleString('en-US')} audited calls; ${model.inputs.prices.asOf}.\n`);
  for (const s of [...model.scenarios, model.athena]) {
    console.log(`### ${s.name}\n`);
    console.log(markdownTable(s.lines, s.total));
    console.log(`\n${Object.entries(s.facts).map(([k, v]) => `${k} = ${num(v)}`).join('; ')}\n`);
  }
  console.log('### Provisioned Kinesis: PUT payload units\n');
  console.log(markdownTable(model.provisioned));
  console.log('\n### On-demand against provisioned, total per million calls, by traffic\n');
  console.log('| events/s | on-demand | provisioned | shards |\n|---:|---:|---:|---:|');
  for (const eventsPerSecond of [1, 10, 100, 1_000, 5_000]) {
    const m = costModel({ eventsPerSecond });
    console.log(`| ${eventsPerSecond.toLocaleString('en-US')} | ${usd(m.scenarios[0]!.total)} | ${usd(m.scenarios[2]!.total)} | ${m.scenarios[2]!.facts.shards} |`);
  }
}
