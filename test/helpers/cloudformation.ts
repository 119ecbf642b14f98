/**
 * Reads a CloudFormation/SAM YAML template into plain JSON form: the short-form intrinsic tags
 * (!Ref, !GetAtt, !Sub, …) become their long forms ({ Ref }, { 'Fn::GetAtt' }, …), and lists
 * every reference a template makes so a test can check each points at something defined.
 */
import { readFile } from 'node:fs/promises';
import { parse, type Tags, type YAMLMap, type YAMLSeq } from 'yaml';

const FUNCTIONS = ['Base64', 'Cidr', 'FindInMap', 'GetAtt', 'GetAZs', 'ImportValue', 'Join', 'Select', 'Split', 'Sub', 'Transform', 'And', 'Equals', 'If', 'Not', 'Or'];

function longForm(name: string): string {
  return name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
}

const customTags: Tags = [...FUNCTIONS, 'Ref', 'Condition'].flatMap((name) => [
  { tag: `!${name}`, resolve: (value: string) => ({ [longForm(name)]: name === 'GetAtt' ? value.split('.') : value }) },
  { tag: `!${name}`, collection: 'seq' as const, resolve: (seq: YAMLSeq.Parsed | YAMLMap.Parsed) => ({ [longForm(name)]: seq.toJSON() }) },
  { tag: `!${name}`, collection: 'map' as const, resolve: (map: YAMLSeq.Parsed | YAMLMap.Parsed) => ({ [longForm(name)]: map.toJSON() }) },
]);

export type Template = {
  Parameters?: Record<string, { Default?: unknown }>;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, { Type: string; Condition?: string; Properties?: Record<string, any> }>;
  Outputs?: Record<string, { Condition?: string; Value: unknown }>;
};

export async function readTemplate(path: string): Promise<Template> {
  return parse(await readFile(path, 'utf8'), { customTags }) as Template;
}

/** `${Name}` and `${Resource.Attr}` in a Fn::Sub string, minus `${!Literal}` escapes. */
export function subVariables(text: string): string[] {
  return [...text.matchAll(/\$\{([^!}][^}]*)\}/g)].map((m) => (m[1] as string).split('.')[0] as string);
}

export interface Reference {
  /** Logical id, parameter or pseudo parameter referred to. */
  target: string;
  kind: 'Ref' | 'GetAtt' | 'Sub' | 'Condition';
  /** Conditions that hold wherever this reference is evaluated: the true branch of each enclosing Fn::If. */
  guards: string[];
}

/** Every Ref, GetAtt, Sub variable and Condition reference inside `node` (Sub's local variables excluded). */
export function referencesIn(node: unknown, guards: string[] = []): Reference[] {
  if (Array.isArray(node)) return node.flatMap((n) => referencesIn(n, guards));
  if (node === null || typeof node !== 'object') return [];
  const o = node as Record<string, unknown>;
  if (typeof o.Ref === 'string') return [{ target: o.Ref, kind: 'Ref', guards }];
  if (typeof o.Condition === 'string' && Object.keys(o).length === 1) return [{ target: o.Condition, kind: 'Condition', guards }];
  const getAtt = o['Fn::GetAtt'];
  if (Array.isArray(getAtt)) return [{ target: String(getAtt[0]), kind: 'GetAtt', guards }];
  const sub = o['Fn::Sub'];
  if (typeof sub === 'string') return subVariables(sub).map((target) => ({ target, kind: 'Sub' as const, guards }));
  if (Array.isArray(sub)) {
    const locals = new Set(Object.keys((sub[1] ?? {}) as object));
    return [...subVariables(String(sub[0])).filter((v) => !locals.has(v)).map((target) => ({ target, kind: 'Sub' as const, guards })), ...referencesIn(sub[1], guards)];
  }
  const branches = o['Fn::If'];
  if (Array.isArray(branches) && typeof branches[0] === 'string') {
    const [condition, whenTrue, whenFalse] = branches as [string, unknown, unknown];
    return [{ target: condition, kind: 'Condition', guards }, ...referencesIn(whenTrue, [...guards, condition]), ...referencesIn(whenFalse, guards)];
  }
  return Object.values(o).flatMap((n) => referencesIn(n, guards));
}

/** The conditions a condition implies: itself and, for an Fn::And, each Condition it joins (recursively). */
export function impliedConditions(template: Template, condition: string | undefined): string[] {
  if (condition === undefined) return [];
  const definition = template.Conditions?.[condition] as { 'Fn::And'?: unknown[] } | undefined;
  const parts = (definition?.['Fn::And'] ?? []).flatMap((part) => {
    const name = (part as { Condition?: unknown }).Condition;
    return typeof name === 'string' ? impliedConditions(template, name) : [];
  });
  return [condition, ...parts];
}
/** Replaces `${Parameter}` in a Sub string with the parameter's default; leaves everything else. */
export function substituteDefaults(template: Template, text: string): string {
  return text.replace(/\$\{([A-Za-z0-9]+)\}/g, (whole, name: string) => {
    const value = template.Parameters?.[name]?.Default;
    return value === undefined ? whole : String(value);
  });
}
