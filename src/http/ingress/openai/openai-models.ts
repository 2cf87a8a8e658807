/** A model as listed by `GET /v1/models`: every route is a model the caller can ask for. */
export interface OpenAIModel {
  id: string;
  object: 'model';
  created: number;
  owned_by: 'junction';
}

export interface OpenAIModelList {
  object: 'list';
  data: OpenAIModel[];
}

/**
 * One route name as an OpenAI model object. `created` (Unix seconds) is passed in, e.g. the
 * time the config was loaded, so the listing is stable between calls.
 */
export function encodeOpenAIModel(routeName: string, created: number): OpenAIModel {
  return { id: routeName, object: 'model', created, owned_by: 'junction' };
}

/** Route names → the `GET /v1/models` list, in the order given. */
export function encodeOpenAIModelList(routeNames: readonly string[], created: number): OpenAIModelList {
  return { object: 'list', data: routeNames.map((name) => encodeOpenAIModel(name, created)) };
}
