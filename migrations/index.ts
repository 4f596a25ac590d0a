import { InitialSchema1795305600000 } from './1795305600000-initial-schema.js';
import { RoutingEngine1795347945365 } from './1795347945365-routing-engine.js';
import { Forecasting1795392000000 } from './1795392000000-forecasting.js';
import { Loans1795430000000 } from './1795430000000-loans.js';
import { Planning1795440000000 } from './1795440000000-planning.js';
import { Reports1795450000000 } from './1795450000000-reports.js';
import { Feedback1795455000000 } from './1795455000000-feedback.js';
import { ReportRollupKeys1795456000000 } from './1795456000000-report-rollup-keys.js';
import { RoutingWriter1795460000000 } from './1795460000000-routing-writer.js';
import { RoutingOwner1795470000000 } from './1795470000000-routing-owner.js';
import { SetBasedWriterChecks1795480000000 } from './1795480000000-set-based-writer-checks.js';
import { ContactExplanationOutOfLine1795490000000 } from './1795490000000-contact-explanation-out-of-line.js';
import { SurveyCandidatesOrder1795500000000 } from './1795500000000-survey-candidates-order.js';
import { AgentRollupsFewerGrains1795510000000 } from './1795510000000-agent-rollups-fewer-grains.js';
import { ContactsHotUpdates1795520000000 } from './1795520000000-contacts-hot-updates.js';
import { TransferredSegments1795530000000 } from './1795530000000-transferred-segments.js';
import { QueueRoutingPolicy1795540000000 } from './1795540000000-queue-routing-policy.js';
import { ContactExplanationJson1795550000000 } from './1795550000000-contact-explanation-json.js';
import { ForecastMethodChoices1795560000000 } from './1795560000000-forecast-method-choices.js';
import { ForecastAlertSizes1795570000000 } from './1795570000000-forecast-alert-sizes.js';
import { AgentNextState1795580000000 } from './1795580000000-agent-next-state.js';
import { MaxContactDuration1795590000000 } from './1795590000000-max-contact-duration.js';
import { LostAbandonSafetyNet1795600000000 } from './1795600000000-lost-abandon-safety-net.js';
import { ReportSwitchesAndMaxDuration1795610000000 } from './1795610000000-report-switches-and-max-duration.js';
import { ContactIdempotencyKeys1795640000000 } from './1795640000000-contact-idempotency-keys.js';
import { ReportArrivals1795650000000 } from './1795650000000-report-arrivals.js';

/** Every migration, oldest first. A new migration file is added here as well. */
export const MIGRATIONS = [InitialSchema1795305600000, RoutingEngine1795347945365, Forecasting1795392000000, Loans1795430000000, Planning1795440000000, Reports1795450000000, Feedback1795455000000, ReportRollupKeys1795456000000, RoutingWriter1795460000000, RoutingOwner1795470000000, SetBasedWriterChecks1795480000000, ContactExplanationOutOfLine1795490000000, SurveyCandidatesOrder1795500000000, AgentRollupsFewerGrains1795510000000, ContactsHotUpdates1795520000000, TransferredSegments1795530000000, QueueRoutingPolicy1795540000000, ContactExplanationJson1795550000000, ForecastMethodChoices1795560000000, ForecastAlertSizes1795570000000, AgentNextState1795580000000, MaxContactDuration1795590000000, LostAbandonSafetyNet1795600000000, ReportSwitchesAndMaxDuration1795610000000, ContactIdempotencyKeys1795640000000, ReportArrivals1795650000000];
