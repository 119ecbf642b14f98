/**
 * lambdas/template.yaml against the code: handlers and zips the build produces, environment
 * variable names the handlers read, Glue columns = schema v1, every reference defined, the
 * notification loop closed, and the Firehose jq expression = core/schema encodeAccountId.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { FirehoseClient, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import { mockClient } from 'aws-sdk-client-mock';
import { auditLog } from '../../index.js';
import { firehoseSink } from '../../sinks/firehose.js';
import { publishEvent } from '../helpers/bus.js';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import test from 'ava';
import { AUDIT_EVENT_FIELDS, encodeAccountId, partitionPath } from '../../core/schema.js';
import { BUNDLE_FILE, HANDLER_EXPORT, LAMBDA_BUNDLES, buildLambdas, type BuiltLambda } from '../../lambdas/build.js';
import { KINESIS_TO_S3_ENV, type createHandler as createKinesisToS3 } from '../../lambdas/kinesis-to-s3/index.js';
import { PARTITION_LOADER_ENV } from '../../lambdas/partition-loader/index.js';
import { COMPACTED_TAG, COMPACTOR_ENV, type createHandler as createCompactor } from '../../lambdas/compactor/index.js';
import { DIGEST_ENV } from '../../lambdas/integrity/environment.js';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { rawDay } from '../helpers/compaction-dataset.js';
import { startS3rver } from '../helpers/s3rver.js';
import { renderDdl, statementText } from '../../cli/ddl.js';
import { auditEventFactory, kplAggregatedRecordFactory } from '../helpers/factories.js';
import { impliedConditions, readTemplate, referencesIn, substituteDefaults, type Template } from '../helpers/cloudformation.js';

const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const templatePath = join(repositoryRoot, 'lambdas/template.yaml');
// Inside the repository so the bundles resolve the external @aws-sdk/* from node_modules.
const testBuildDir = join(repositoryRoot, 'dist/test-lambdas');
const ENV_BY_BUNDLE: Record<string, Record<string, string>> = { 'kinesis-to-s3': KINESIS_TO_S3_ENV, 'partition-loader': PARTITION_LOADER_ENV, compactor: COMPACTOR_ENV, digest: DIGEST_ENV };
/** Variables a handler reads but the template leaves to their defaults. */
const DEFAULTED_ENV: Record<string, string[]> = { compactor: [COMPACTOR_ENV.latenessMs, COMPACTOR_ENV.lookbackDays] };

let template: Template;
let built: BuiltLambda[];
test.before(async () => {
  template = await readTemplate(templatePath);
  built = await buildLambdas({ zipDir: join(testBuildDir, 'zips'), bundleDir: join(testBuildDir, 'bundles') });
});

const functions = () => Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::Serverless::Function');
const bundleNameOf = (codeUri: string) => /^\.\.\/dist\/lambdas\/([a-z0-9-]+)\.zip$/.exec(codeUri)?.[1];

test('every function points at a zip the build produces, and its Handler at the bundle file and export', (t) => {
  t.deepEqual([...new Set(functions().map(([, fn]) => bundleNameOf(fn.Properties!.CodeUri)))].sort(), LAMBDA_BUNDLES.map((b) => b.name).sort());
  for (const [id, fn] of functions()) {
    const name = bundleNameOf(fn.Properties!.CodeUri);
    t.truthy(name, `${id}: CodeUri ${fn.Properties!.CodeUri}`);
    t.true(LAMBDA_BUNDLES.some((b) => b.name === name), `${id}: ${name} is a bundle`);
    t.is(resolve(dirname(templatePath), fn.Properties!.CodeUri), join(repositoryRoot, 'dist/lambdas', `${name}.zip`));
    t.is(fn.Properties!.Handler, `${BUNDLE_FILE.replace(/\.js$/, '')}.${HANDLER_EXPORT}`);
  }
  t.deepEqual(built.map((b) => b.name).sort(), LAMBDA_BUNDLES.map((b) => b.name).sort());
});

test('each built bundle loads as CommonJS and exports the handler', (t) => {
  const require = createRequire(import.meta.url);
  for (const lambda of built) {
    const bundle = require(lambda.bundlePath) as Record<string, unknown>;
    t.is(typeof bundle[HANDLER_EXPORT], 'function', lambda.name);
    t.log(`${lambda.name}: ${(lambda.zipBytes / 1024).toFixed(1)} KiB zip, ${(lambda.bundleBytes / 1024).toFixed(1)} KiB ${BUNDLE_FILE}`);
  }
});

test('the bundled kinesis-to-s3 de-aggregates KPL records (protobufjs works inside the bundle)', async (t) => {
  const require = createRequire(import.meta.url);
  const lambda = built.find((b) => b.name === 'kinesis-to-s3')!;
  const { createHandler } = require(lambda.bundlePath) as { createHandler: typeof createKinesisToS3 };
  const puts: string[] = [];
  const fakeS3 = { send: async (command: { input: { Key: string } }) => void puts.push(command.input.Key) };
  const handle = createHandler({ s3: fakeS3 as never, bucket: 'b-1', prefix: 'audit/' });
  const record = await kplAggregatedRecordFactory([JSON.stringify(auditEventFactory({ account_id: 'x1' })), JSON.stringify(auditEventFactory({ account_id: 'x2' }))]);
  const original = console.log;
  console.log = () => undefined;
  try {
    t.deepEqual(await handle({ Records: [record as never] }), { batchItemFailures: [] });
  } finally {
    console.log = original;
  }
  // Two objects, each with its manifest.
  t.is(puts.length, 4);
  t.is(puts.filter((k) => /^audit\/account_id=x[12]\/dt=/.test(k)).length, 2);
  t.is(puts.filter((k) => /^integrity\/manifests\/account_id=x[12]\/hour=/.test(k)).length, 2);
});

test('the bundled compactor compacts a day against s3rver (hyparquet and the vendored writer work inside the CommonJS bundle)', async (t) => {
  const require = createRequire(import.meta.url);
  const lambda = built.find((b) => b.name === 'compactor')!;
  const { createHandler } = require(lambda.bundlePath) as { createHandler: typeof createCompactor };
  const s3 = await startS3rver(['bundle-bucket']);
  try {
    const day = rawDay('audit/', { account: 'acme', dt: '2026-11-24', events: 300, objects: 3, duplicateEvery: 10 });
    for (const o of day.objects) await s3.client.send(new PutObjectCommand({ Bucket: 'bundle-bucket', Key: o.key, Body: o.body }));
    const report = await createHandler({ s3: s3.client, bucket: 'bundle-bucket', now: () => new Date('2026-11-26T00:00:00.000Z') })({ account_id: 'acme', dt: '2026-11-24' });
    t.deepEqual(report.failed, []);
    t.like(report.compacted[0], { rows: 300, duplicatesDropped: day.duplicates, inputs: day.objects.length });
  } finally {
    await s3.stop();
  }
});

/** Tests that need an external tool run only where it is installed (this machine and CI have both). */
function installed(command: string, versionFlag: string): boolean {
  try {
    execFileSync(command, [versionFlag], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const hasUnzip = installed('unzip', '-v');

(hasUnzip ? test : test.skip)('each zip holds exactly the bundle and its package.json, intact (checked with unzip)', async (t) => {
  for (const lambda of built) {
    const { stdout } = await promisify(execFile)('unzip', ['-Z1', lambda.zipPath]);
    t.deepEqual(stdout.trim().split('\n').sort(), [BUNDLE_FILE, 'package.json']);
    await t.notThrowsAsync(promisify(execFile)('unzip', ['-tq', lambda.zipPath]));
    const { stdout: content } = await promisify(execFile)('unzip', ['-p', lambda.zipPath, 'package.json']);
    t.deepEqual(JSON.parse(content), { type: 'commonjs' });
  }
});

test('environment variable names are exactly the ones the handlers read', (t) => {
  for (const [id, fn] of functions()) {
    const bundle = bundleNameOf(fn.Properties!.CodeUri)!;
    const names = Object.values(ENV_BY_BUNDLE[bundle]!).filter((n) => !(DEFAULTED_ENV[bundle] ?? []).includes(n));
    t.deepEqual(Object.keys(fn.Properties!.Environment.Variables).sort(), names.sort(), id);
  }
});

const dataColumns = () => AUDIT_EVENT_FIELDS.filter((f) => f.name !== 'account_id').map((f) => ({ Name: f.name, Type: f.athenaType }));

test('the raw table: schema v1 (AUDIT_EVENT_FIELDS) minus account_id, which is a partition key with dt; the Hive JSON SerDe', (t) => {
  const table = template.Resources.AuditRawTable!.Properties!.TableInput;
  t.deepEqual(table.StorageDescriptor.Columns, dataColumns());
  t.deepEqual(table.PartitionKeys, [{ Name: 'account_id', Type: 'string' }, { Name: 'dt', Type: 'string' }]);
  t.is(table.StorageDescriptor.SerdeInfo.SerializationLibrary, 'org.apache.hive.hcatalog.data.JsonSerDe');
  t.is(table.StorageDescriptor.SerdeInfo.Parameters, undefined);
  t.is(substituteDefaults(template, table.Name['Fn::Sub']), 'audit_events_raw');
});

test('the compacted table: the same columns with time a timestamp, Parquet, under the compacted prefix', (t) => {
  const table = template.Resources.AuditCompactedTable!.Properties!.TableInput;
  t.deepEqual(table.StorageDescriptor.Columns, dataColumns().map((c) => (c.Name === 'time' ? { Name: 'time', Type: 'timestamp' } : c)));
  t.deepEqual(table.PartitionKeys, [{ Name: 'account_id', Type: 'string' }, { Name: 'dt', Type: 'string' }]);
  t.is(table.StorageDescriptor.SerdeInfo.SerializationLibrary, 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe');
  t.is(substituteDefaults(template, table.StorageDescriptor.Location['Fn::Sub']), 's3://${BucketName}/audit-compacted/');
  t.is(substituteDefaults(template, table.Name['Fn::Sub']), 'audit_events_compacted');
});

test('the view is athena/create-view.sql, as a Glue Presto view whose columns are the schema plus the partitions', (t) => {
  const input = template.Resources.AuditView!.Properties!.TableInput;
  t.is(input.TableType, 'VIRTUAL_VIEW');
  t.deepEqual(input.Name, { Ref: 'GlueTableName' });
  const [, parts] = input.ViewOriginalText['Fn::Join'];
  t.is(parts[0], '/* Presto View: ');
  t.is(parts[2], ' */');
  const view = JSON.parse(parts[1]['Fn::Base64']['Fn::Sub']) as { originalSql: string; catalog: string; schema: string; columns: Array<{ name: string; type: string }> };
  // The file's statement with the same names, in the template's ${…} form, whitespace collapsed.
  const fromFile = statementText(renderDdl('view', { database: 'dbtoken', table: 'viewtoken' }))
    .replace(/^CREATE OR REPLACE VIEW "dbtoken"\."viewtoken" AS\s*/, '').replace(/\s+/g, ' ')
    .replace(/dbtoken/g, '${AuditDatabase}').replace(/viewtoken_raw/g, '${AuditRawTable}').replace(/viewtoken_compacted/g, '${AuditCompactedTable}');
  t.is(view.originalSql, fromFile);
  t.is(view.schema, '${AuditDatabase}');
  t.is(view.catalog, 'awsdatacatalog');
  const presto: Record<string, string> = { string: 'varchar', int: 'integer', double: 'double', boolean: 'boolean', 'map<string,string>': 'map(varchar,varchar)' };
  const expected = [...dataColumns(), { Name: 'account_id', Type: 'string' }, { Name: 'dt', Type: 'string' }];
  t.deepEqual(view.columns, expected.map((c) => ({ name: c.Name, type: presto[c.Type] })));
  t.deepEqual(input.StorageDescriptor.Columns, expected);
});

test('raw objects expire only once the compactor tagged them; compacted days keep the long retention', (t) => {
  const rules = template.Resources.AuditBucket!.Properties!.LifecycleConfiguration.Rules as any[];
  const once = rules.find((r) => r.Id === 'raw-events-once-compacted');
  t.is(substituteDefaults(template, once.Prefix['Fn::Sub']), 'audit/');
  t.deepEqual(once.TagFilters, [COMPACTED_TAG]);
  t.deepEqual(once.ExpirationInDays, { Ref: 'RawExpirationDaysAfterCompaction' });
  t.is(template.Parameters!.RawExpirationDaysAfterCompaction!.Default, 30);
  const compacted = rules.find((r) => r.Id === 'compacted-events');
  t.is(substituteDefaults(template, compacted.Prefix['Fn::Sub']), 'audit-compacted/');
  t.deepEqual(compacted.ExpirationInDays, { Ref: 'ExpirationDays' });
});

test('the compactor runs daily after the lateness window, with a failure queue, and can never delete or overwrite a raw object', (t) => {
  const fn = template.Resources.CompactorFunction!.Properties!;
  t.deepEqual(fn.Events.Daily.Properties.Schedule, { Ref: 'CompactionSchedule' });
  t.is(template.Parameters!.CompactionSchedule!.Default, 'cron(30 2 * * ? *)');
  t.deepEqual(fn.EventInvokeConfig.DestinationConfig.OnFailure.Destination, { 'Fn::GetAtt': ['CompactorFailuresQueue', 'Arn'] });
  t.is(fn.Timeout, 900);
  t.is(fn.MemorySize, 1024);
  t.is(substituteDefaults(template, fn.Environment.Variables.AUDIT_LOG_COMPACTED_PREFIX['Fn::Sub']), 'audit-compacted/');
  const statements = template.Resources.CompactorRole!.Properties!.Policies[0].PolicyDocument.Statement as any[];
  const actionsOn = (prefix: string) => statements
    .filter((s) => typeof s.Resource === 'object' && 'Fn::Sub' in s.Resource && substituteDefaults(template, s.Resource['Fn::Sub']).endsWith(`/${prefix}*`))
    .flatMap((s) => [s.Action].flat());
  t.deepEqual(actionsOn('audit/').sort(), ['s3:GetObject', 's3:PutObjectTagging']);
  t.deepEqual(actionsOn('audit-compacted/').sort(), ['s3:DeleteObject', 's3:GetObject', 's3:PutObject']);
});

test('every Ref, GetAtt, Sub variable and Condition points at something defined, under a compatible condition', (t) => {
  const parameters = new Set(Object.keys(template.Parameters ?? {}));
  const resources = template.Resources;
  const conditions = new Set(Object.keys(template.Conditions ?? {}));
  const holders: Array<[string, string | undefined, unknown]> = [
    ...Object.entries(resources).map(([id, r]) => [id, r.Condition, r] as [string, string | undefined, unknown]),
    ...Object.entries(template.Outputs ?? {}).map(([id, o]) => [`Outputs.${id}`, o.Condition, o.Value] as [string, string | undefined, unknown]),
    ...Object.entries(template.Conditions ?? {}).map(([id, c]) => [`Conditions.${id}`, undefined, c] as [string, string | undefined, unknown]),
  ];
  let checked = 0;
  for (const [holder, holderCondition, node] of holders) {
    if (holderCondition !== undefined) t.true(conditions.has(holderCondition), `${holder}: condition ${holderCondition}`);
    for (const ref of referencesIn(node)) {
      checked += 1;
      if (ref.kind === 'Condition') {
        t.true(conditions.has(ref.target), `${holder}: condition ${ref.target}`);
      } else if (ref.target.startsWith('AWS::')) {
        t.true(['AWS::AccountId', 'AWS::Region', 'AWS::Partition', 'AWS::StackName', 'AWS::URLSuffix', 'AWS::StackId', 'AWS::NoValue'].includes(ref.target), `${holder}: ${ref.target}`);
      } else if (ref.kind === 'GetAtt') {
        t.truthy(resources[ref.target], `${holder}: GetAtt ${ref.target}`);
      } else {
        t.true(parameters.has(ref.target) || ref.target in resources, `${holder}: ${ref.kind} ${ref.target}`);
      }
      const targetCondition = resources[ref.target]?.Condition;
      const holds = new Set([...impliedConditions(template, holderCondition), ...ref.guards.flatMap((g) => impliedConditions(template, g))]);
      if (targetCondition !== undefined) t.true(holds.has(targetCondition), `${holder} refers to ${ref.target}, which exists only if ${targetCondition}`);
    }
  }
  t.true(checked > 50, `only ${checked} references found: is the parser reading the tags?`);
});

test('the Kinesis event source reports partial batches, bisects, bounds retries and age, and has an on-failure destination', (t) => {
  const mapping = template.Resources.KinesisToS3EventSourceMapping!.Properties!;
  t.deepEqual(mapping.FunctionResponseTypes, ['ReportBatchItemFailures']);
  t.is(mapping.BisectBatchOnFunctionError, true);
  t.deepEqual(mapping.MaximumRetryAttempts, { Ref: 'MaximumRetryAttempts' });
  t.deepEqual(mapping.MaximumRecordAgeInSeconds, { Ref: 'MaximumRecordAgeInSeconds' });
  t.deepEqual(mapping.DestinationConfig.OnFailure.Destination, { 'Fn::GetAtt': ['FailedBatchesQueue', 'Arn'] });
  const stream = template.Resources.AuditStream!.Properties!;
  t.deepEqual(stream.StreamModeDetails, { StreamMode: { Ref: 'KinesisStreamMode' } });
  t.deepEqual(stream.ShardCount, { 'Fn::If': ['ProvisionedStream', { Ref: 'KinesisShardCount' }, { Ref: 'AWS::NoValue' }] });
  t.is(template.Parameters!.KinesisStreamMode!.Default, 'ON_DEMAND');
});

test('only the two partition loaders are notified: raw .json.gz under the data prefix, .parquet under the compacted prefix; errors, manifests and Athena results stay outside both', (t) => {
  const withS3Events = functions().filter(([, fn]) => Object.values(fn.Properties!.Events ?? {}).some((e: any) => e.Type === 'S3'));
  t.deepEqual(withS3Events.map(([id]) => id).sort(), ['CompactedPartitionLoaderFunction', 'PartitionLoaderFunction']);
  const filterOf = (id: string) => {
    const rules = (Object.values(template.Resources[id]!.Properties!.Events)[0] as any).Properties.Filter.S3Key.Rules;
    return { prefix: substituteDefaults(template, rules.find((r: any) => r.Name === 'prefix').Value['Fn::Sub']), suffix: rules.find((r: any) => r.Name === 'suffix').Value as string };
  };
  const raw = filterOf('PartitionLoaderFunction');
  const compacted = filterOf('CompactedPartitionLoaderFunction');
  t.deepEqual(raw, { prefix: 'audit/', suffix: '.json.gz' });
  t.deepEqual(compacted, { prefix: 'audit-compacted/', suffix: '.parquet' });
  // S3 refuses overlapping notification filters; neither prefix may hold the other.
  t.false(raw.prefix.startsWith(compacted.prefix) || compacted.prefix.startsWith(raw.prefix));
  t.false('audit-compacted/account_id=a/dt=2026-01-01/_manifest.json'.endsWith(compacted.suffix));
  const loaderEnv = (id: string) => template.Resources[id]!.Properties!.Environment.Variables;
  t.deepEqual(loaderEnv('PartitionLoaderFunction').ATHENA_TABLE, { Ref: 'AuditRawTable' });
  t.deepEqual(loaderEnv('CompactedPartitionLoaderFunction').ATHENA_TABLE, { Ref: 'AuditCompactedTable' });
  t.is(substituteDefaults(template, loaderEnv('CompactedPartitionLoaderFunction').AUDIT_LOG_PREFIX['Fn::Sub']), compacted.prefix);
  const dataPrefix = raw.prefix;
  const writerEnv = template.Resources.KinesisToS3Function!.Properties!.Environment.Variables;
  t.is(substituteDefaults(template, writerEnv.AUDIT_LOG_PREFIX['Fn::Sub']), dataPrefix);
  const results = substituteDefaults(template, template.Resources.AuditWorkGroup!.Properties!.WorkGroupConfiguration.ResultConfiguration.OutputLocation['Fn::Sub']);
  t.false(results.includes(`/${dataPrefix}`), results);
  t.false(results.includes(`/${compacted.prefix}`), results);
  const writerResources = template.Resources.KinesisToS3Role!.Properties!.Policies[0].PolicyDocument.Statement
    .filter((s: any) => [s.Action].flat().includes('s3:PutObject') && s.Sid === 'WriteEventsAndMalformedRecordsOnly').flatMap((s: any) => s.Resource.map((r: any) => substituteDefaults(template, r['Fn::Sub'])));
  t.deepEqual(writerResources, ['arn:${AWS::Partition}:s3:::${BucketName}/audit/*', 'arn:${AWS::Partition}:s3:::${BucketName}/audit-errors/*'].map((s) => substituteDefaults(template, s)));
  t.false('audit-errors/x.json.gz'.startsWith(dataPrefix));
});

test('Firehose mode writes the same layout with the same file suffix, errors under the errors prefix', (t) => {
  const s3 = template.Resources.AuditDeliveryStream!.Properties!.ExtendedS3DestinationConfiguration;
  t.is(substituteDefaults(template, s3.Prefix['Fn::Sub']), `audit/${partitionPath({ account_id: '!{partitionKeyFromQuery:account_id}', dt: '!{partitionKeyFromQuery:dt}' })}`);
  t.true(substituteDefaults(template, s3.ErrorOutputPrefix['Fn::Sub']).startsWith('audit-errors/'));
  t.is(s3.FileExtension, '.json.gz');
  t.is(s3.CompressionFormat, 'GZIP');
  t.is(s3.DynamicPartitioningConfiguration.Enabled, true);
});

const hasJq = installed('jq', '--version');

(hasJq ? test : test.skip)('the Firehose jq partition query encodes account ids exactly like core/schema encodeAccountId (checked with jq)', async (t) => {
  const processors = template.Resources.AuditDeliveryStream!.Properties!.ExtendedS3DestinationConfiguration.ProcessingConfiguration.Processors;
  const query = processors[0].Parameters.find((p: any) => p.ParameterName === 'MetadataExtractionQuery').ParameterValue as string;
  const accountIds = [null, '', 'acme', 'Acme-1.x_y', "o'brien/..", 'a b', 'ünïcödé ✓', '~already', '_none', '.hidden', '-dash', 'a=b', '日本'];
  const events = accountIds.map((account_id, i) => auditEventFactory({ account_id, time: `2026-0${1 + (i % 9)}-15T23:59:59.999Z` }));
  const { stdout } = await promisify(execFile)('sh', ['-c', `printf '%s\\n' "$EVENTS" | jq -c "$QUERY"`], {
    env: { ...process.env, EVENTS: events.map((e) => JSON.stringify(e)).join('\n'), QUERY: query },
  });
  const extracted = stdout.trim().split('\n').map((line) => JSON.parse(line) as unknown);
  t.deepEqual(extracted, events.map((e) => ({ account_id: encodeAccountId(e.account_id), dt: e.time.slice(0, 10) })));
});

const resourcesOfType = (type: string) => Object.entries(template.Resources).filter(([, r]) => r.Type === type);

test('encryption: the stream with KMS, Firehose server-side, the bucket SSE with a policy denying any request without TLS, every queue SSE', (t) => {
  t.deepEqual(template.Resources.AuditStream!.Properties!.StreamEncryption, { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' });
  t.deepEqual(template.Resources.AuditDeliveryStream!.Properties!.DeliveryStreamEncryptionConfigurationInput, { KeyType: 'AWS_OWNED_CMK' });
  t.truthy(template.Resources.AuditBucket!.Properties!.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm);
  const policy = template.Resources.AuditBucketPolicy!.Properties!;
  t.deepEqual(policy.Bucket, { Ref: 'AuditBucket' });
  const deny = policy.PolicyDocument.Statement.find((st: any) => st.Effect === 'Deny');
  t.like(deny, { Principal: '*', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
  t.deepEqual(deny.Resource, [{ 'Fn::GetAtt': ['AuditBucket', 'Arn'] }, { 'Fn::Sub': '${AuditBucket.Arn}/*' }]);
  for (const [id, queue] of resourcesOfType('AWS::SQS::Queue')) t.is(queue.Properties!.SqsManagedSseEnabled, true, id);
});

test('every function logs to a log group of the stack with the LogRetentionDays retention, under the same condition', (t) => {
  for (const [id, fn] of functions()) {
    const ref = fn.Properties!.LoggingConfig?.LogGroup?.Ref as string | undefined;
    t.truthy(ref, `${id}: LoggingConfig.LogGroup`);
    const group = template.Resources[ref!]!;
    t.is(group.Type, 'AWS::Logs::LogGroup', id);
    t.deepEqual(group.Properties!.RetentionInDays, { Ref: 'LogRetentionDays' }, id);
    t.is(group.Condition, (template.Resources[id] as { Condition?: string }).Condition, id);
  }
  t.is(resourcesOfType('AWS::Logs::LogGroup').length, functions().length);
});

test('alarms to one SNS topic: Errors and Throttles of every function, messages on every failure queue, the stream iterator age, Firehose delivery and partition count', (t) => {
  const alarms = resourcesOfType('AWS::CloudWatch::Alarm').map(([id, a]) => ({ id, condition: a.Condition, p: a.Properties! }));
  const action = { 'Fn::If': ['CreateAlarmTopic', { Ref: 'AlarmTopic' }, { Ref: 'AlarmTopicArn' }] };
  for (const a of alarms) {
    t.deepEqual(a.p.AlarmActions, [action], a.id);
    t.deepEqual(a.p.OKActions, [action], a.id);
    // Missing data is an alarm only where silence is the failure: the sealer not running.
    t.is(a.p.TreatMissingData, a.id === 'DigestNotRunningAlarm' ? 'breaching' : 'notBreaching', a.id);
  }
  const watching = (namespace: string, metric: string, target: unknown) => alarms.filter((a) => a.p.Namespace === namespace && a.p.MetricName === metric && JSON.stringify(a.p.Dimensions[0].Value) === JSON.stringify(target));
  for (const [id] of functions()) {
    for (const metric of ['Errors', 'Throttles']) {
      const found = watching('AWS/Lambda', metric, { Ref: id });
      t.is(found.length, 1, `${id}: ${metric}`);
      t.is(found[0]?.condition, (template.Resources[id] as { Condition?: string }).Condition, `${id}: ${metric} condition`);
    }
  }
  for (const [id] of resourcesOfType('AWS::SQS::Queue')) t.is(watching('AWS/SQS', 'ApproximateNumberOfMessagesVisible', { 'Fn::GetAtt': [id, 'QueueName'] }).length, 1, id);
  t.like(watching('AWS/Kinesis', 'GetRecords.IteratorAgeMilliseconds', { Ref: 'AuditStream' })[0]?.p, { Threshold: { Ref: 'IteratorAgeAlarmMilliseconds' }, ComparisonOperator: 'GreaterThanThreshold' });
  t.like(watching('AWS/Firehose', 'DeliveryToS3.Success', { Ref: 'AuditDeliveryStream' })[0]?.p, { Threshold: 1, ComparisonOperator: 'LessThanThreshold' });
  t.is(watching('AWS/Firehose', 'PartitionCountExceeded', { Ref: 'AuditDeliveryStream' }).length, 1);
  t.is(template.Resources.AlarmTopic!.Condition, 'CreateAlarmTopic');
});

test('the partition loaders run with bounded concurrency, so midnight UTC does not start one ALTER TABLE per new object', (t) => {
  t.is(template.Resources.PartitionLoaderFunction!.Properties!.ReservedConcurrentExecutions, 2);
  t.is(template.Resources.CompactedPartitionLoaderFunction!.Properties!.ReservedConcurrentExecutions, 1);
});

test('Firehose mode stores one line per event: the sink ends each record with a newline and the template adds no second delimiter (aws-sdk-client-mock for Firehose)', async (t) => {
  const processors = template.Resources.AuditDeliveryStream!.Properties!.ExtendedS3DestinationConfiguration.ProcessingConfiguration.Processors as Array<{ Type: string; Parameters: Array<{ ParameterName: string; ParameterValue: string }> }>;
  const client = new FirehoseClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  const records: Uint8Array[] = [];
  mockClient(client).on(PutRecordBatchCommand).callsFake((input: { Records: Array<{ Data: Uint8Array }> }) => {
    records.push(...input.Records.map((r) => r.Data));
    return { FailedPutCount: 0, RequestResponses: input.Records.map((_, i) => ({ RecordId: String(i) })) };
  });
  const audit = auditLog({ sink: firehoseSink({ deliveryStreamName: 'audit', client }), handleSignals: false });
  for (let i = 0; i < 5; i++) publishEvent(audit, auditEventFactory());
  await audit.close();
  t.is(records.length, 5);
  // What Firehose writes to S3: each record, then the delimiter of any AppendDelimiterToRecord processor.
  const delimiter = processors.filter((p) => p.Type === 'AppendDelimiterToRecord').map((p) => JSON.parse(`"${p.Parameters[0]!.ParameterValue}"`) as string).join('');
  const stored = records.map((r) => `${Buffer.from(r).toString('utf8')}${delimiter}`).join('');
  const lines = stored.split('\n');
  t.is(lines.pop(), '');
  t.is(lines.length, 5);
  t.true(lines.every((line) => line !== '' && JSON.parse(line) !== null), 'no blank line between events');
});

const hasCfnLint = installed('cfn-lint', '--version');

/** cfn-lint on `yaml`; its findings, one per line, and its exit code (0 = clean). */
async function cfnLint(yaml: string): Promise<{ code: number; findings: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'cfn-lint-'));
  const path = join(dir, 'template.yaml');
  writeFileSync(path, yaml);
  try {
    const { stdout } = await promisify(execFile)('cfn-lint', ['--format', 'parseable', path]);
    return { code: 0, findings: stdout.trim() };
  } catch (error) {
    const e = error as { code?: number; stdout?: string };
    return { code: e.code ?? -1, findings: (e.stdout ?? '').trim() };
  }
}

// cfn-lint (AWS's CloudFormation linter, Python) knows every resource type's schema and runs the
// SAM transform first, so AWS::Serverless::* resources are checked as what they become. CI must
// have it (.ci/run installs it when missing); elsewhere the test is skipped when it is absent.
(hasCfnLint || process.env.CI ? test : test.skip)('cfn-lint, which knows every CloudFormation resource schema, finds nothing in the template, and does find a misspelled property in a SAM and in a plain resource', async (t) => {
  t.true(hasCfnLint, 'cfn-lint is not installed (pip install cfn-lint)');
  const original = readFileSync(templatePath, 'utf8');
  const clean = await cfnLint(original);
  t.is(clean.code, 0, clean.findings);
  const misspelled = [
    ['      MemorySize: 1024\n', '      MemorySze: 1024\n', 'MemorySze'],
    ['      RetentionPeriodHours: 168\n', '      RetentionPeriodHour: 168\n', 'RetentionPeriodHour'],
    ['            TagFilters:\n', '            TagFilter:\n', 'TagFilter'],
  ] as const;
  for (const [from, to, name] of misspelled) {
    t.true(original.includes(from), from);
    const broken = await cfnLint(original.replace(from, to));
    t.not(broken.code, 0, `${name}: cfn-lint should fail`);
    t.true(broken.findings.includes(name), `${name}: ${broken.findings}`);
  }
});

/** The statements of a role's inline policies, and the actions a statement grants on a resource ending in `suffix`. */
const statementsOf = (role: string) => (template.Resources[role]!.Properties!.Policies as any[]).flatMap((p) => p.PolicyDocument.Statement as any[]);
const resourceText = (resource: unknown) => (typeof resource === 'object' && resource !== null && 'Fn::Sub' in resource ? substituteDefaults(template, (resource as { 'Fn::Sub': string })['Fn::Sub']) : JSON.stringify(resource));
function grants(role: string): Array<{ action: string; resource: string }> {
  return statementsOf(role).filter((st) => st.Effect === 'Allow').flatMap((st) => [st.Action].flat().flatMap((action: string) => [st.Resource].flat().map((r: unknown) => ({ action, resource: resourceText(r) }))));
}

test('integrity bucket: Object Lock on with versioning, mode and retention from the parameters, TLS only, nobody may bypass governance, kept on delete', (t) => {
  const bucket = template.Resources.IntegrityBucket! as { DeletionPolicy?: string; Properties?: Record<string, any> };
  t.is(bucket.DeletionPolicy, 'Retain');
  t.is(bucket.Properties!.ObjectLockEnabled, true);
  t.deepEqual(bucket.Properties!.ObjectLockConfiguration, { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: { Ref: 'IntegrityLockMode' }, Days: { Ref: 'IntegrityRetentionDays' } } } });
  t.deepEqual(bucket.Properties!.VersioningConfiguration, { Status: 'Enabled' });
  t.deepEqual((template.Parameters!.IntegrityLockMode as { AllowedValues?: string[] }).AllowedValues, ['GOVERNANCE', 'COMPLIANCE']);
  t.is(bucket.Properties!.LifecycleConfiguration, undefined, 'nothing in the integrity bucket expires: verify walks the chain from its first digest');
  const policy = template.Resources.IntegrityBucketPolicy!.Properties!.PolicyDocument.Statement as any[];
  t.like(policy.find((st) => st.Sid === 'DenyRequestsWithoutTls'), { Effect: 'Deny', Principal: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
  t.like(policy.find((st) => st.Sid === 'DenyBypassingTheLock'), { Effect: 'Deny', Principal: '*', Action: 's3:BypassGovernanceRetention' });
});

test('the signing key is an ECC P-256 SIGN_VERIFY key that only the digest role may Sign with; the digest role writes only digests', (t) => {
  const key = template.Resources.SigningKey!.Properties!;
  t.like(key, { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
  const deny = (key.KeyPolicy.Statement as any[]).find((st) => st.Effect === 'Deny');
  t.is(deny.Action, 'kms:Sign');
  t.is(substituteDefaults(template, deny.Condition.ArnNotEquals['aws:PrincipalArn']['Fn::Sub']), 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${AWS::StackName}-digest');
  t.is(substituteDefaults(template, template.Resources.DigestRole!.Properties!.RoleName['Fn::Sub']), '${AWS::StackName}-digest');
  const digest = grants('DigestRole');
  t.deepEqual(digest.filter((g) => g.action === 's3:PutObject').map((g) => g.resource), ['arn:${AWS::Partition}:s3:::${IntegrityBucketName}/integrity/digests/*']);
  t.deepEqual(digest.filter((g) => g.action.startsWith('kms:')), [{ action: 'kms:Sign', resource: JSON.stringify({ 'Fn::GetAtt': ['SigningKey', 'Arn'] }) }]);
  t.false(digest.some((g) => /Delete/.test(g.action)));
  // The writers put manifests and nothing else into the integrity bucket, and never sign.
  for (const role of ['KinesisToS3Role', 'CompactorRole']) {
    const onIntegrity = grants(role).filter((g) => g.resource.includes('${IntegrityBucketName}'));
    t.deepEqual(onIntegrity.map((g) => g.resource), onIntegrity.map(() => 'arn:${AWS::Partition}:s3:::${IntegrityBucketName}/integrity/manifests/*'), role);
    t.deepEqual(onIntegrity.map((g) => g.action).sort(), ['s3:GetObject', 's3:PutObject'], role);
    t.false(grants(role).some((g) => g.action.startsWith('kms:')), role);
  }
});

test('the digest function runs hourly after the grace, one at a time, with its key and bucket, and alarms when it fails or stops running', (t) => {
  const fn = template.Resources.DigestFunction!.Properties!;
  t.is(fn.ReservedConcurrentExecutions, 1);
  t.is(fn.Events.Hourly.Properties.Schedule, 'cron(15 * * * ? *)');
  t.deepEqual(fn.Environment.Variables.AUDIT_LOG_SIGNING_KEY_ID, { 'Fn::GetAtt': ['SigningKey', 'Arn'] });
  t.deepEqual(fn.Environment.Variables.AUDIT_LOG_INTEGRITY_BUCKET, { Ref: 'IntegrityBucket' });
  t.true(Number(fn.Environment.Variables.AUDIT_LOG_SEAL_GRACE_MINUTES) < 15, 'the schedule runs after the grace ended');
  const alarms = Object.values(template.Resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm' && JSON.stringify(r.Properties!.Dimensions ?? []).includes('DigestFunction')).map((r) => r.Properties!);
  t.deepEqual(alarms.map((a) => a.MetricName).sort(), ['Errors', 'Invocations', 'Throttles']);
  t.like(alarms.find((a) => a.MetricName === 'Invocations'), { ComparisonOperator: 'LessThanThreshold', Threshold: 1, TreatMissingData: 'breaching' });
  for (const kind of ['kinesis-to-s3', 'compactor']) {
    const writer = functions().find(([, f]) => bundleNameOf(f.Properties!.CodeUri) === kind)![1].Properties!;
    t.deepEqual(writer.Environment.Variables.AUDIT_LOG_INTEGRITY_BUCKET, { Ref: 'IntegrityBucket' }, kind);
  }
});

