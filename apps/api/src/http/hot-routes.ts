import { AgentDeskController } from '../agent-desk/agent-desk.controller.js';
import { ContactsController } from '../contacts/contacts.controller.js';
import { RoutingController } from '../routing/routing.controller.js';
import type { HotRouteSpec } from './hot-path.js';

/** The operations called for every contact (the routing benchmark's whole mix), served by the hot path. */
export const HOT_ROUTES: readonly HotRouteSpec[] = [
  { controller: RoutingController, method: 'decision' },
  { controller: RoutingController, method: 'event' },
  { controller: ContactsController, method: 'add' },
  { controller: AgentDeskController, method: 'offers' },
  { controller: AgentDeskController, method: 'acceptOffer' },
  { controller: AgentDeskController, method: 'rejectOffer' },
  { controller: AgentDeskController, method: 'complete' },
];
