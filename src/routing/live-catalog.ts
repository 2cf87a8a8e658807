/**
 * A catalog that always reads through to the current one, for parts that hold a catalog for the
 * gateway's whole life (access control's route costs, metrics, the admin API) while a reload
 * may swap the catalog underneath. Requests do not use it: each keeps the catalog it began on.
 */
import type { Catalog } from './catalog';

export function liveCatalog(current: () => Catalog): Catalog {
  return {
    get providers() {
      return current().providers;
    },
    get deployments() {
      return current().deployments;
    },
    get routes() {
      return current().routes;
    },
  };
}
