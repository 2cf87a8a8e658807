/**
 * Expert routing's vocabulary, pure: which skills a request needs (recognised in its text by
 * keywords and regular expressions, or named by the caller), and which deployments are tagged
 * for them (`tags.skills: "math, code"`). Planning then sends the request to tagged deployments
 * first, or only to them when the route is strict (routing/plan.ts).
 */
import type { Deployment } from '../catalog';

/** How one skill is recognised in a request's text. */
export interface SkillRule {
  /** Whole words or phrases, matched case-insensitively. */
  keywords?: string[];
  /** Regular expressions (JavaScript syntax), matched case-insensitively per line. */
  patterns?: string[];
}

/** A route's `strategyOptions.experts`. */
export interface ExpertOptions {
  /** Skills by name; the defaults (`math`, `code`) apply when absent. A skill named here replaces the default of that name. */
  skills?: Record<string, SkillRule>;
  /** Only deployments tagged for every needed skill may serve; default false (tagged first, the rest after). */
  strict?: boolean;
}

/** The skills recognised when a route names none. */
export const DEFAULT_SKILLS: Readonly<Record<string, SkillRule>> = Object.freeze({
  math: {
    keywords: ['integral', 'derivative', 'equation', 'solve for', 'theorem', 'prove that', 'probability', 'algebra', 'calculus', 'matrix', 'eigenvalue', 'arithmetic', 'factorial', 'logarithm'],
    patterns: ['\\d+(?:\\.\\d+)?\\s*[-+*/^×÷]\\s*\\d+(?:\\.\\d+)?\\s*=', '\\b(?:sin|cos|tan|log|ln|sqrt)\\s*\\(', '[∫∑√π∞≤≥]'],
  },
  code: {
    keywords: ['function', 'python', 'javascript', 'typescript', 'compile', 'compiler', 'stack trace', 'regex', 'sql query', 'refactor', 'unit test', 'source code', 'bug in'],
    patterns: ['```', '^\\s*(?:def|class|import|from|const|let|var|function|public|fn)\\s+\\w', '\\w+\\([^)]*\\)\\s*[{;]'],
  },
});

/** The longest text read for skills: a long document's first part says what it is about. */
const MAX_TEXT = 20_000;

/** The skills of a route, compiled once: one regular expression per skill. */
export class SkillDetector {
  readonly #rules: Array<{ skill: string; test: RegExp[] }> = [];

  constructor(options: ExpertOptions | undefined) {
    const rules = { ...DEFAULT_SKILLS, ...options?.skills };
    for (const [skill, rule] of Object.entries(rules)) {
      const test: RegExp[] = [];
      const keywords = (rule.keywords ?? []).map((keyword) => keyword.trim()).filter(Boolean);
      if (keywords.length > 0) test.push(new RegExp(`(?:^|[^\\p{L}\\p{N}_])(?:${keywords.map(escape).join('|')})(?=$|[^\\p{L}\\p{N}_])`, 'iu'));
      for (const pattern of rule.patterns ?? []) test.push(new RegExp(pattern, 'imu'));
      if (test.length > 0) this.#rules.push({ skill: skill.toLowerCase(), test });
    }
  }

  /** The skills the text calls for, in the order the route lists them. */
  detect(text: string): string[] {
    const read = text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text;
    const found: string[] = [];
    for (const rule of this.#rules) if (rule.test.some((expression) => expression.test(read))) found.push(rule.skill);
    return found;
  }

  get skills(): string[] {
    return this.#rules.map((rule) => rule.skill);
  }
}

/** `x-junction-skill: math, code` → ['math', 'code']. */
export function parseSkills(text: string | undefined): string[] {
  if (text === undefined) return [];
  return [...new Set(text.split(/[\s,]+/).map((skill) => skill.trim().toLowerCase()).filter(Boolean))];
}

/** The skills a deployment is tagged for (`tags.skills`, comma- or space-separated). */
export function skillsOf(deployment: Pick<Deployment, 'tags'>): string[] {
  return parseSkills(deployment.tags.skills);
}

/** Whether the deployment is tagged for every one of `needed`. */
export function servesSkills(deployment: Pick<Deployment, 'tags'>, needed: readonly string[]): boolean {
  if (needed.length === 0) return true;
  const tagged = skillsOf(deployment);
  return needed.every((skill) => tagged.includes(skill));
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+');
}
