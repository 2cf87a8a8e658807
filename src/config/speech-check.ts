/**
 * Cross-checks for text-to-speech: a deployment's `speech` section and its `speech` capability
 * go together, only OpenAI-style providers have a speech API, a route serves speech or
 * something else but not both, and its fallback voices exist somewhere on it.
 */
import type { PathIssue } from './config-path';
import type { RawConfig } from './schema';

const SPEECH_PROVIDER_KINDS = ['openai', 'openai-compatible'];

export function checkSpeech(config: RawConfig): PathIssue[] {
  const issues: PathIssue[] = [];
  for (const [id, deployment] of Object.entries(config.deployments)) {
    const capable = deployment.capabilities.includes('speech');
    if (capable && deployment.speech === undefined) {
      issues.push({ path: ['deployments', id, 'speech'], message: 'missing required key; a deployment with the speech capability lists its voices (speech.voices) and, where it matters, languages and tier' });
    } else if (!capable && deployment.speech !== undefined) {
      issues.push({ path: ['deployments', id, 'capabilities'], message: 'expected the speech capability on a deployment with a speech section' });
    }
    const kind = Object.hasOwn(config.providers, deployment.provider) ? config.providers[deployment.provider]!.kind : undefined;
    if (capable && kind !== undefined && !SPEECH_PROVIDER_KINDS.includes(kind)) {
      issues.push({ path: ['deployments', id, 'provider'], message: `expected an openai or openai-compatible provider for a speech deployment; "${deployment.provider}" is kind ${kind}, which has no speech API` });
    }
  }
  for (const [name, route] of Object.entries(config.routes)) {
    const ids = [...route.deployments, ...(route.secondary ?? []), ...(route.emergency?.deployments ?? []), ...(route.local ?? [])];
    const known = ids.filter((id) => Object.hasOwn(config.deployments, id)).map((id) => [id, config.deployments[id]!] as const);
    const speech = known.filter(([, deployment]) => deployment.capabilities.includes('speech'));
    const other = known.filter(([, deployment]) => !deployment.capabilities.includes('speech'));
    if (speech.length > 0 && other.length > 0) {
      issues.push({
        path: ['routes', name, 'deployments'],
        message: `expected deployments of one kind, got speech deployments (${speech.map(([id]) => id).join(', ')}) mixed with others (${other.map(([id]) => id).join(', ')}); split them into separate routes`,
      });
    }
    if (route.speech === undefined) continue;
    if (speech.length === 0) {
      issues.push({ path: ['routes', name, 'speech'], message: 'expected speech deployments on a route with a speech section' });
      continue;
    }
    const voices = new Set(speech.flatMap(([, deployment]) => deployment.speech?.voices ?? []));
    for (const [voice, fallbacks] of Object.entries(route.speech.voiceFallbacks)) {
      fallbacks.forEach((fallback, index) => {
        if (!voices.has(fallback)) {
          issues.push({ path: ['routes', name, 'speech', 'voiceFallbacks', voice, index], message: `unknown voice "${fallback}"; the route's deployments offer: ${[...voices].join(', ')}` });
        }
      });
    }
  }
  return issues;
}
