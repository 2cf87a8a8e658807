/**
 * Reads YAML text into plain data while remembering where every key and value sits in the
 * source, so that problems found later (by path) can be reported as file:line:column.
 */
import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document, Node, ParsedNode, YAMLError } from 'yaml';
import { formatPath } from './config-path';
import type { ConfigPath, PathIssue } from './config-path';

/** A 1-based source position. */
export interface SourcePosition {
  line: number;
  column: number;
}

export interface YamlSource {
  /** The document as plain data; undefined when syntax errors make it unusable. */
  data: unknown;
  /** Syntax errors (positioned) and duplicate keys (by path). */
  syntaxIssues: Array<{ message: string; position: SourcePosition }>;
  duplicateKeys: PathIssue[];
  /** Where the node at `path` starts; for a path that does not exist, where its nearest parent's key starts. */
  locate(path: ConfigPath, at?: 'key' | 'value'): SourcePosition;
}

interface IndexEntry {
  key?: Node;
  value?: Node;
}

export function readYamlSource(text: string): YamlSource {
  const lineCounter = new LineCounter();
  // Duplicate keys are detected below, where the path and the first occurrence are known.
  // `merge` lets configs share fields through `<<: *anchor`, as in Compose files.
  const document = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false, merge: true });
  const positionOf = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };

  // One syntax error usually sets off a cascade of follow-on errors; only the first is reliable.
  const [firstError, ...laterErrors] = document.errors;
  const syntaxIssues = firstError === undefined ? [] : [describeSyntaxError(text, firstError, laterErrors.length, positionOf)];

  const indexer: Indexer = { document, index: new Map(), duplicates: [], positionOf };
  const { index } = indexer;
  if (document.contents) {
    index.set('', { value: document.contents });
    indexNode(indexer, document.contents, [], new Set());
  }

  const locate = (path: ConfigPath, at: 'key' | 'value' = 'value'): SourcePosition => {
    for (let length = path.length; length >= 0; length--) {
      const entry = index.get(formatPath(path.slice(0, length)));
      if (!entry) continue;
      // A missing key is reported at its parent's key, which is where the user would add it.
      const wantKey = at === 'key' || length < path.length;
      const node = wantKey ? (entry.key ?? entry.value) : hasSource(entry.value) ? entry.value : (entry.key ?? entry.value);
      if (node?.range) return positionOf(node.range[0]);
    }
    return { line: 1, column: 1 };
  };

  return {
    data: syntaxIssues.length > 0 ? undefined : document.toJS(),
    syntaxIssues,
    duplicateKeys: indexer.duplicates,
    locate,
  };
}

function describeSyntaxError(
  text: string,
  error: YAMLError,
  laterCount: number,
  positionOf: (offset: number) => SourcePosition,
): { message: string; position: SourcePosition } {
  const position = positionOf(error.pos[0]);
  let message = `YAML syntax error: ${error.message}`;
  // `{` and `}` are YAML syntax inside flow collections, so `{ apiKey: ${KEY} }` breaks.
  const lineText = text.split(/\r?\n/)[position.line - 1] ?? '';
  if (lineText.includes('${')) message += '; inside { } or [ ] put values like ${VAR} in quotes';
  if (laterCount > 0) message += ` (${laterCount} further syntax ${laterCount === 1 ? 'error' : 'errors'} not shown; they often follow from this one)`;
  return { message, position };
}

function forgetBelow(index: Map<string, IndexEntry>, path: ConfigPath): void {
  const prefix = formatPath(path);
  for (const key of index.keys()) {
    if (key.startsWith(`${prefix}.`) || key.startsWith(`${prefix}[`)) index.delete(key);
  }
}

function hasSource(node: Node | undefined): node is Node {
  return node?.range !== undefined && node.range !== null && node.range[1] > node.range[0];
}

function keyText(key: unknown): string {
  if (isScalar(key)) return String(key.value);
  return String(key);
}

interface Indexer {
  document: Document.Parsed<ParsedNode>;
  /** Formatted path → the key and value nodes found there. */
  index: Map<string, IndexEntry>;
  duplicates: PathIssue[];
  positionOf: (offset: number) => SourcePosition;
}

function indexNode(indexer: Indexer, node: unknown, path: ConfigPath, visiting: Set<unknown>): void {
  const { document, index, duplicates, positionOf } = indexer;
  // Follow aliases so paths through `*anchor` resolve, but never loop on a self-referencing one.
  const target = isAlias(node) ? node.resolve(document) : node;
  if (target === undefined || visiting.has(target)) return;
  visiting.add(target);
  if (isMap(target)) {
    const firstLine = new Map<string, number>();
    for (const pair of target.items) {
      if (!isPair(pair)) continue;
      const name = keyText(pair.key);
      const childPath = [...path, name];
      const keyNode = pair.key as Node | undefined;
      const seenOn = firstLine.get(name);
      if (seenOn === undefined) {
        firstLine.set(name, positionOf(keyNode?.range?.[0] ?? 0).line);
      } else {
        duplicates.push({ path: childPath, at: 'key', message: `duplicate key "${name}" (first defined on line ${seenOn})` });
        // The last occurrence wins in the parsed data, so it is the one later issues point at.
        forgetBelow(index, childPath);
      }
      index.set(formatPath(childPath), { key: keyNode, value: (pair.value ?? undefined) as Node | undefined });
      indexNode(indexer, pair.value, childPath, visiting);
    }
  } else if (isSeq(target)) {
    target.items.forEach((item, position) => {
      const childPath = [...path, position];
      index.set(formatPath(childPath), { value: item as Node });
      indexNode(indexer, item, childPath, visiting);
    });
  }
  visiting.delete(target);
}
