import type { ImagePart } from '../../../canonical/types';
import { invalidRequest } from '../shared/invalid-request';

// data:[<media type>][;param=value]*;base64,<data>
const DATA_URL = /^data:([^;,]+)((?:;[^;,=]+=[^;,]*)*);base64,(.*)$/s;

/**
 * An OpenAI `image_url.url` as a canonical image: `data:` URLs become inline base64 (so
 * providers that cannot fetch URLs still see the image), anything else stays a URL.
 * Throws `invalid_request` at `path` for a data URL that is not base64.
 */
export function parseImageUrl(url: string, path: readonly PropertyKey[]): ImagePart {
  if (!url.startsWith('data:')) return { type: 'image', source: { kind: 'url', url } };
  const match = DATA_URL.exec(url);
  if (match === null || match[3] === '') {
    throw invalidRequest(path, "expected a base64 data URL like 'data:image/png;base64,...'");
  }
  return { type: 'image', source: { kind: 'base64', mediaType: match[1], data: match[3] } };
}
