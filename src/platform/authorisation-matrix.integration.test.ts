import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLE_NAMES, ROLES, type Role, type Scope } from './permissions';
import { addAgency } from '../features/agencies/agencies.service';
import { addUser } from '../features/users/users.service';
import { planCycle } from '../features/section11/cycles.service';
import { createMailer } from './email';
import { createActions } from '../features/actions/actions.service';
import { createReport } from '../features/annual-report/annual-report.service';
import { Client, createTestApp, signIn, type Fixture, type TestApp } from '../testing/test-app';
import { dialects } from '../testing/test-db';

/**
 * Every registered route, who may reach it, and a request that exercises it. Records named in the
 * address belong to partnership A: a person of partnership B with the right role must get the same
 * 404 as for a record that does not exist. Later features add their routes here.
 */
/** `api-token`: reached with a partner system's bearer token only, so every session here is refused 401 (tested with tokens in the API's own tests). */
type Expect = 'public' | 'signed-in' | 'api-token' | Role[];
type Extra = { trainingSessionId: string; trainingBookingId: string; trainingCourseId: string; trainingFutureSessionId: string; trainingCancelBookingId: string; targetUserId: number; referralId: string; teamId: number; importRunId: string; partnerDataSetId: string; emailId: string; frontDoorContactId: string; mashEnquiryId: string; agencyCheckId: string; frontDoorAuditId: string; actionId: string; reviewId: string; reviewMilestoneId: number; reviewBriefingId: number; s11CycleId: number; s11SpareCycleId: number; s11ReturnId: string; s11StandardId: number; s11RetireStandardId: number;
  auditThemeId: number; auditQuestionId: number; auditQuestionToRemoveId: number; auditRoundId: string; auditCaseId: string; auditModerationRoundId: string; auditModerationCaseId: string; auditFindingId: string; auditFindingToRemoveId: string;
  govGroupId: number; govMemberId: number; govMeetingId: string; govItemId: number; govGuestId: number; govChallengeId: string;
  sectionsReportId: string; writtenSectionId: number; dataSectionId: number; sectionCommentId: number;
  annualReportId: string; reportSectionId: number; voiceEntryId: string; accountRequestId: string };
/** `onlyFor`: of the roles allowed, those who reach this record of their own partnership (its own person, or those who manage it); the others get the same 404 as for another partnership's. */
/** `refusedFor`: of the roles allowed, those refused (403) this record of their own partnership because it is another person's (a report section they do not own); another partnership's is 404 to them as to anyone. */
type Row = { allow: Expect; record?: boolean; onlyFor?: Role[]; refusedFor?: Role[]; request: (f: Fixture & Extra) => { url: string; form?: Record<string, string> } };

const ADMIN: Role[] = ['partnership_admin'];
const CHILD_READERS: Role[] = ['social_worker', 'team_manager', 'auditor'];
const CHILD_WRITERS: Role[] = ['social_worker', 'team_manager'];
const ANALYST: Role[] = ['data_analyst'];
const PARTNER_DATA: Role[] = ['business_manager', 'data_analyst'];
const FRONT_DOOR_AUDIT: Role[] = ['team_manager', 'auditor'];
const DASHBOARD: Role[] = ['partnership_admin', 'business_manager', 'social_worker', 'team_manager', 'data_analyst', 'auditor', 'agency_lead', 'executive'];
const ASSURANCE_VIEW: Role[] = ['business_manager', 'team_manager', 'auditor', 'agency_lead', 'executive'];
/** The roles holding any of these scopes, as permissions.ts grants them. */
const holders = (...scopes: Scope[]): Role[] => ROLE_NAMES.filter((r) => scopes.some((sc) => (ROLES[r].scopes as readonly Scope[]).includes(sc)));
const TRAINING_BOOK = holders('training.book');
const TRAINING_MANAGE = holders('training.manage');

const MATRIX: Record<string, Row> = {
  'GET /health': { allow: 'public', request: () => ({ url: '/health' }) },
  'GET /assets/*': { allow: 'public', request: () => ({ url: '/assets/images/favicon.svg' }) },
  'GET /stylesheets/*': { allow: 'public', request: () => ({ url: '/stylesheets/beacon.css' }) },
  'GET /javascripts/*': { allow: 'public', request: () => ({ url: '/javascripts/init.js' }) },
  'GET /govuk/*': { allow: 'public', request: () => ({ url: '/govuk/govuk-frontend.min.js' }) },
  'GET /sign-in': { allow: 'public', request: () => ({ url: '/sign-in' }) },
  'POST /sign-in': { allow: 'public', request: () => ({ url: '/sign-in', form: { email: '', password: '' } }) },
  'GET /accessibility': { allow: 'public', request: () => ({ url: '/accessibility' }) },
  'GET /privacy': { allow: 'public', request: () => ({ url: '/privacy' }) },
  'GET /sign-in/mfa': { allow: 'signed-in', request: () => ({ url: '/sign-in/mfa' }) },
  'POST /sign-in/mfa': { allow: 'signed-in', request: () => ({ url: '/sign-in/mfa', form: { code: 'x' } }) },
  'GET /mfa/set-up': { allow: 'signed-in', request: () => ({ url: '/mfa/set-up' }) },
  'POST /mfa/set-up': { allow: 'signed-in', request: () => ({ url: '/mfa/set-up', form: { code: 'x' } }) },
  'POST /sign-out': { allow: 'signed-in', request: () => ({ url: '/sign-out' }) },
  'GET /': { allow: 'signed-in', request: () => ({ url: '/' }) },
  'GET /account': { allow: 'signed-in', request: () => ({ url: '/account' }) },
  'POST /account/password': { allow: 'signed-in', request: () => ({ url: '/account/password', form: { currentPassword: 'wrong', newPassword: 'x' } }) },
  'POST /partnership': { allow: 'signed-in', request: (f) => ({ url: '/partnership', form: { partnershipId: String(f.a.id) } }) },
  'GET /children': { allow: CHILD_READERS, request: () => ({ url: '/children?q=Testchild' }) },
  'GET /children/:childId': { allow: CHILD_READERS, record: true, request: (f) => ({ url: `/children/${f.a.childId}` }) },
  'GET /my-work': { allow: CHILD_READERS, request: () => ({ url: '/my-work' }) },
  'GET /my-team': { allow: CHILD_READERS, request: () => ({ url: '/my-team' }) },
  'GET /outside-home': { allow: CHILD_READERS, request: () => ({ url: '/outside-home' }) },
  'GET /children/:childId/allocation': { allow: ['team_manager'], record: true, request: (f) => ({ url: `/children/${f.a.childId}/allocation` }) },
  'POST /children/:childId/allocation': { allow: ['team_manager'], record: true, request: (f) => ({ url: `/children/${f.a.childId}/allocation`, form: { worker: '' } }) },
  'GET /children/new': { allow: CHILD_WRITERS, request: () => ({ url: '/children/new' }) },
  'POST /children/new': { allow: CHILD_WRITERS, request: () => ({ url: '/children/new', form: { first_name: '' } }) },
  'GET /children/:childId/details': { allow: CHILD_WRITERS, record: true, request: (f) => ({ url: `/children/${f.a.childId}/details` }) },
  'POST /children/:childId/details': { allow: CHILD_WRITERS, record: true, request: (f) => ({ url: `/children/${f.a.childId}/details`, form: { first_name: '' } }) },
  'GET /children/:childId/records/new': { allow: CHILD_WRITERS, record: true, request: (f) => ({ url: `/children/${f.a.childId}/records/new` }) },
  'GET /children/:childId/records/:type/new': { allow: CHILD_WRITERS, record: true, request: (f) => ({ url: `/children/${f.a.childId}/records/referral/new` }) },
  'POST /children/:childId/records/:type/new': { allow: CHILD_WRITERS, record: true, request: (f) => ({ url: `/children/${f.a.childId}/records/referral/new`, form: { 'referral_date-day': '' } }) },
  'GET /children/:childId/records/:type/:recordId': { allow: CHILD_WRITERS, record: true, request: (f) => ({ url: `/children/${f.a.childId}/records/referral/${f.referralId}` }) },
  'POST /children/:childId/records/:type/:recordId': { allow: CHILD_WRITERS, record: true, request: (f) => ({ url: `/children/${f.a.childId}/records/referral/${f.referralId}`, form: { 'referral_date-day': '' } }) },
  'GET /admin/users': { allow: ADMIN, request: () => ({ url: '/admin/users' }) },
  'GET /admin/users/new': { allow: ADMIN, request: () => ({ url: '/admin/users/new' }) },
  'POST /admin/users/new': { allow: ADMIN, request: () => ({ url: '/admin/users/new', form: { email: 'not-an-email' } }) },
  'GET /admin/users/:userId': { allow: ADMIN, record: true, request: (f) => ({ url: `/admin/users/${f.targetUserId}` }) },
  'POST /admin/users/:userId/roles': { allow: ADMIN, record: true, request: (f) => ({ url: `/admin/users/${f.targetUserId}/roles`, form: { roles: 'practitioner' } }) },
  'POST /admin/users/:userId/status': { allow: ADMIN, record: true, request: (f) => ({ url: `/admin/users/${f.targetUserId}/status`, form: { status: 'active' } }) },
  'POST /admin/users/:userId/end-sessions': { allow: ADMIN, record: true, request: (f) => ({ url: `/admin/users/${f.targetUserId}/end-sessions` }) },
  'POST /admin/users/:userId/reset-mfa': { allow: ADMIN, record: true, request: (f) => ({ url: `/admin/users/${f.targetUserId}/reset-mfa` }) },
  'GET /admin/partnership': { allow: ADMIN, request: () => ({ url: '/admin/partnership' }) },
  'POST /admin/partnership/population': { allow: ADMIN, request: () => ({ url: '/admin/partnership/population', form: { childPopulation: 'many' } }) },
  'POST /admin/partnership/timescales': { allow: ADMIN, request: () => ({ url: '/admin/partnership/timescales', form: { strategy_discussion: '9' } }) },
  'POST /admin/agencies': { allow: ADMIN, request: () => ({ url: '/admin/agencies', form: { name: '' } }) },
  // ---- Single sign-on: partnership A's agency has it set up (off), and a person it brought in waits for A's approval. The form is refused by
  // validation; turning it off works each time; approving without a role is refused; refusing works once (then it is refused as decided).
  'GET /sign-in/organisation': { allow: 'public', request: () => ({ url: '/sign-in/organisation' }) },
  'POST /sign-in/organisation': { allow: 'public', request: () => ({ url: '/sign-in/organisation', form: { email: '' } }) },
  'GET /sign-in/organisation/callback': { allow: 'public', request: () => ({ url: '/sign-in/organisation/callback?code=x&state=y' }) },
  'GET /admin/agencies/:agencyId/sso': { allow: ADMIN, record: true, request: (f) => ({ url: `/admin/agencies/${f.a.agencyId}/sso` }) },
  'POST /admin/agencies/:agencyId/sso': { allow: ADMIN, record: true, request: (f) => ({ url: `/admin/agencies/${f.a.agencyId}/sso`, form: { issuerUrl: '' } }) },
  'POST /admin/agencies/:agencyId/sso/disable': { allow: ADMIN, record: true, request: (f) => ({ url: `/admin/agencies/${f.a.agencyId}/sso/disable` }) },
  'GET /admin/users/requests/:requestId': { allow: ADMIN, record: true, request: (f) => ({ url: `/admin/users/requests/${f.accountRequestId}` }) },
  'POST /admin/users/requests/:requestId/approve': { allow: ADMIN, record: true, request: (f) => ({ url: `/admin/users/requests/${f.accountRequestId}/approve`, form: { roles: '' } }) },
  'POST /admin/users/requests/:requestId/refuse': { allow: ADMIN, record: true, request: (f) => ({ url: `/admin/users/requests/${f.accountRequestId}/refuse` }) },
  'GET /admin/teams': { allow: ADMIN, request: () => ({ url: '/admin/teams' }) },
  'POST /admin/teams': { allow: ADMIN, request: () => ({ url: '/admin/teams', form: { name: '' } }) },
  'POST /admin/teams/:teamId/members': { allow: ADMIN, record: true, request: (f) => ({ url: `/admin/teams/${f.teamId}/members`, form: { userId: String(f.targetUserId) } }) },
  'POST /admin/teams/:teamId/members/:userId/remove': { allow: ADMIN, record: true, request: (f) => ({ url: `/admin/teams/${f.teamId}/members/${f.targetUserId}/remove` }) },
  'GET /admin/audit': { allow: ADMIN, request: () => ({ url: '/admin/audit' }) },
  'GET /admin/outbox': { allow: ADMIN, request: () => ({ url: '/admin/outbox' }) },
  'GET /admin/outbox/:id': { allow: ADMIN, record: true, request: (f) => ({ url: `/admin/outbox/${f.emailId}` }) },
  'GET /front-door/quality': { allow: FRONT_DOOR_AUDIT, request: () => ({ url: '/front-door/quality?month=2026-06' }) },
  'POST /front-door/quality/select': { allow: FRONT_DOOR_AUDIT, request: () => ({ url: '/front-door/quality/select', form: { month: '2026-06' } }) },
  'GET /front-door/quality/settings': { allow: FRONT_DOOR_AUDIT, request: () => ({ url: '/front-door/quality/settings' }) },
  'POST /front-door/quality/settings': { allow: FRONT_DOOR_AUDIT, request: () => ({ url: '/front-door/quality/settings', form: { manager: 'many' } }) },
  'GET /front-door/quality/audits/:id': { allow: FRONT_DOOR_AUDIT, record: true, request: (f) => ({ url: `/front-door/quality/audits/${f.frontDoorAuditId}` }) },
  'POST /front-door/quality/audits/:id': { allow: FRONT_DOOR_AUDIT, record: true, request: (f) => ({ url: `/front-door/quality/audits/${f.frontDoorAuditId}`, form: { grade: '' } }) },
  'POST /admin/audit/verify': { allow: ADMIN, request: () => ({ url: '/admin/audit/verify' }) },
  'GET /returns': { allow: ANALYST, request: () => ({ url: '/returns' }) },
  'GET /returns/import': { allow: ANALYST, request: () => ({ url: '/returns/import' }) },
  'POST /returns/import': { allow: ANALYST, request: () => ({ url: '/returns/import', form: { kind: 'cin' } }) },
  'GET /returns/imports/:runId': { allow: ANALYST, record: true, request: (f) => ({ url: `/returns/imports/${f.importRunId}` }) },
  'GET /returns/imports/:runId/progress': { allow: ANALYST, record: true, request: (f) => ({ url: `/returns/imports/${f.importRunId}/progress` }) },
  'GET /returns/imports/:runId/issues': { allow: ANALYST, record: true, request: (f) => ({ url: `/returns/imports/${f.importRunId}/issues` }) },
  'GET /returns/imports/:runId/issues.csv': { allow: ANALYST, record: true, request: (f) => ({ url: `/returns/imports/${f.importRunId}/issues.csv` }) },
  'GET /returns/imports/:runId/issues.json': { allow: ANALYST, record: true, request: (f) => ({ url: `/returns/imports/${f.importRunId}/issues.json` }) },
  'GET /partner-data': { allow: PARTNER_DATA, request: () => ({ url: '/partner-data' }) },
  'GET /partner-data/upload': { allow: PARTNER_DATA, request: () => ({ url: '/partner-data/upload' }) },
  'POST /partner-data/upload': { allow: PARTNER_DATA, request: () => ({ url: '/partner-data/upload', form: { agency: '' } }) },
  'GET /partner-data/template.csv': { allow: PARTNER_DATA, request: () => ({ url: '/partner-data/template.csv' }) },
  'GET /partner-data/:setId': { allow: PARTNER_DATA, record: true, request: (f) => ({ url: `/partner-data/${f.partnerDataSetId}` }) },
  'GET /dashboard/indicators/:code': { allow: DASHBOARD, request: () => ({ url: '/dashboard/indicators/referrals' }) },
  'GET /dashboard/indicators/:code/children': { allow: ['team_manager', 'data_analyst'], request: () => ({ url: '/dashboard/indicators/referrals/children' }) },
  'GET /dashboard/front-door': { allow: DASHBOARD, request: () => ({ url: '/dashboard/front-door' }) },
  'GET /dashboard/across': { allow: DASHBOARD, request: () => ({ url: '/dashboard/across' }) },
  'GET /dashboard': { allow: DASHBOARD, request: () => ({ url: '/dashboard?period=fy&to=2025-03-31' }) },
  'GET /dashboard/export.csv': { allow: DASHBOARD, request: () => ({ url: '/dashboard/export.csv?publish=1' }) },
  'GET /dashboard/export.xlsx': { allow: DASHBOARD, request: () => ({ url: '/dashboard/export.xlsx' }) },
  'GET /dashboard/rules': { allow: ['business_manager'], request: () => ({ url: '/dashboard/rules' }) },
  'GET /dashboard/rules/:code': { allow: ['business_manager'], request: () => ({ url: '/dashboard/rules/re_referral_rate' }) },
  'POST /dashboard/rules/:code': { allow: ['business_manager'], request: () => ({ url: '/dashboard/rules/re_referral_rate', form: { method: '' } }) },
  'GET /admin/mash': { allow: ADMIN, request: () => ({ url: '/admin/mash' }) },
  'POST /admin/mash': { allow: ADMIN, request: () => ({ url: '/admin/mash', form: { start: '' } }) },
  'GET /mash': { allow: CHILD_WRITERS, request: () => ({ url: '/mash' }) },
  'GET /mash/enquiries/:id': { allow: CHILD_WRITERS, record: true, request: (f) => ({ url: `/mash/enquiries/${f.mashEnquiryId}` }) },
  'POST /mash/enquiries/:id/checks': { allow: CHILD_WRITERS, record: true, request: (f) => ({ url: `/mash/enquiries/${f.mashEnquiryId}/checks`, form: { version: '0' } }) },
  'POST /mash/enquiries/:id/rag': { allow: CHILD_WRITERS, record: true, request: (f) => ({ url: `/mash/enquiries/${f.mashEnquiryId}/rag`, form: { rag: '' } }) },
  'POST /mash/enquiries/:id/decision': { allow: CHILD_WRITERS, record: true, request: (f) => ({ url: `/mash/enquiries/${f.mashEnquiryId}/decision`, form: { decision: '' } }) },
  'GET /mash/checks': { allow: ['mash_officer'], request: () => ({ url: '/mash/checks' }) },
  'GET /mash/checks/:id': { allow: ['mash_officer'], record: true, request: (f) => ({ url: `/mash/checks/${f.agencyCheckId}` }) },
  'POST /mash/checks/:id': { allow: ['mash_officer'], record: true, request: (f) => ({ url: `/mash/checks/${f.agencyCheckId}`, form: { information: '' } }) },
  'GET /front-door': { allow: CHILD_WRITERS, request: () => ({ url: '/front-door' }) },
  'GET /front-door/contacts/new': { allow: CHILD_WRITERS, request: () => ({ url: '/front-door/contacts/new' }) },
  'POST /front-door/contacts/new': { allow: CHILD_WRITERS, request: () => ({ url: '/front-door/contacts/new', form: { source: '' } }) },
  'GET /front-door/contacts/:id': { allow: CHILD_WRITERS, record: true, request: (f) => ({ url: `/front-door/contacts/${f.frontDoorContactId}` }) },
  'POST /front-door/contacts/:id/decision': { allow: CHILD_WRITERS, record: true, request: (f) => ({ url: `/front-door/contacts/${f.frontDoorContactId}/decision`, form: { decision: '' } }) },
  'GET /front-door/consultations': { allow: CHILD_WRITERS, request: () => ({ url: '/front-door/consultations' }) },
  'GET /front-door/consultations/new': { allow: CHILD_WRITERS, request: () => ({ url: '/front-door/consultations/new' }) },
  'POST /front-door/consultations/new': { allow: CHILD_WRITERS, request: () => ({ url: '/front-door/consultations/new', form: { callerName: '' } }) },
  'GET /api/docs': { allow: 'public', request: () => ({ url: '/api/docs' }) },
  'GET /api/openapi.json': { allow: 'public', request: () => ({ url: '/api/openapi.json' }) },
  'POST /api/v1/contacts': { allow: 'api-token', request: () => ({ url: '/api/v1/contacts', form: { source: '6' } }) },
  'GET /api/v1/contacts/:id': { allow: 'api-token', request: () => ({ url: '/api/v1/contacts/00000000-0000-0000-0000-000000000000' }) },
  // ---- Learning and assurance ----
  'GET /assurance': { allow: ASSURANCE_VIEW, request: () => ({ url: '/assurance' }) },
  // ---- Governance: a group of partnership A with a member, a past meeting with an agenda item and a guest, and a challenge to the fixture's agency
  // (that of A's auditor and agency lead, who may answer it). Posts are refused by validation, so nothing changes but the guest's removal.
  'GET /governance': { allow: ASSURANCE_VIEW, request: () => ({ url: '/governance' }) },
  'GET /governance/groups/new': { allow: ['business_manager'], request: () => ({ url: '/governance/groups/new' }) },
  'POST /governance/groups/new': { allow: ['business_manager'], request: () => ({ url: '/governance/groups/new', form: { name: '' } }) },
  'GET /governance/groups/:id': { allow: ASSURANCE_VIEW, record: true, request: (f) => ({ url: `/governance/groups/${f.govGroupId}` }) },
  'GET /governance/groups/:id/edit': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/governance/groups/${f.govGroupId}/edit` }) },
  'POST /governance/groups/:id/edit': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/governance/groups/${f.govGroupId}/edit`, form: { name: '' } }) },
  'GET /governance/groups/:id/members/new': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/governance/groups/${f.govGroupId}/members/new` }) },
  'POST /governance/groups/:id/members/new': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/governance/groups/${f.govGroupId}/members/new`, form: { who: '' } }) },
  'GET /governance/groups/:id/members/:memberId': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/governance/groups/${f.govGroupId}/members/${f.govMemberId}` }) },
  'POST /governance/groups/:id/members/:memberId': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/governance/groups/${f.govGroupId}/members/${f.govMemberId}`, form: { role: '' } }) },
  'GET /governance/groups/:id/meetings/new': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/governance/groups/${f.govGroupId}/meetings/new` }) },
  'POST /governance/groups/:id/meetings/new': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/governance/groups/${f.govGroupId}/meetings/new`, form: { 'date-day': '' } }) },
  'GET /governance/meetings/:id': { allow: ASSURANCE_VIEW, record: true, request: (f) => ({ url: `/governance/meetings/${f.govMeetingId}` }) },
  'GET /governance/meetings/:id/edit': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/governance/meetings/${f.govMeetingId}/edit` }) },
  'POST /governance/meetings/:id/edit': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/governance/meetings/${f.govMeetingId}/edit`, form: { 'date-day': '' } }) },
  'GET /governance/meetings/:id/attendance': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/governance/meetings/${f.govMeetingId}/attendance` }) },
  'POST /governance/meetings/:id/attendance': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/governance/meetings/${f.govMeetingId}/attendance`, form: { version: '1' } }) },
  'POST /governance/meetings/:id/guests': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/governance/meetings/${f.govMeetingId}/guests`, form: { guestName: '' } }) },
  // Removes the guest kept for this row: only the business manager of A gets this far.
  'POST /governance/meetings/:id/guests/:guestId/remove': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/governance/meetings/${f.govMeetingId}/guests/${f.govGuestId}/remove` }) },
  'GET /governance/meetings/:id/items/new': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/governance/meetings/${f.govMeetingId}/items/new` }) },
  'POST /governance/meetings/:id/items/new': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/governance/meetings/${f.govMeetingId}/items/new`, form: { title: '' } }) },
  'GET /governance/meetings/:id/items/:itemId': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/governance/meetings/${f.govMeetingId}/items/${f.govItemId}` }) },
  'POST /governance/meetings/:id/items/:itemId': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/governance/meetings/${f.govMeetingId}/items/${f.govItemId}`, form: { title: '' } }) },
  'GET /governance/meetings/:id/actions/new': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/governance/meetings/${f.govMeetingId}/actions/new` }) },
  'POST /governance/meetings/:id/actions/new': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/governance/meetings/${f.govMeetingId}/actions/new`, form: { description: '' } }) },
  'GET /governance/challenges': { allow: ASSURANCE_VIEW, request: () => ({ url: '/governance/challenges?status=open' }) },
  'GET /governance/challenges.csv': { allow: ASSURANCE_VIEW, request: () => ({ url: '/governance/challenges.csv' }) },
  'GET /governance/challenges/new': { allow: ['business_manager', 'auditor', 'agency_lead'], request: () => ({ url: '/governance/challenges/new' }) },
  'POST /governance/challenges/new': { allow: ['business_manager', 'auditor', 'agency_lead'], request: () => ({ url: '/governance/challenges/new', form: { subject: '' } }) },
  'GET /governance/challenges/:id': { allow: ASSURANCE_VIEW, record: true, request: (f) => ({ url: `/governance/challenges/${f.govChallengeId}` }) },
  'POST /governance/challenges/:id/response': { allow: ['business_manager', 'auditor', 'agency_lead'], record: true, request: (f) => ({ url: `/governance/challenges/${f.govChallengeId}/response`, form: { response: '' } }) },
  'POST /governance/challenges/:id/outcome': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/governance/challenges/${f.govChallengeId}/outcome`, form: { outcome: '' } }) },
  'GET /governance/challenges/:id/actions/new': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/governance/challenges/${f.govChallengeId}/actions/new` }) },
  'POST /governance/challenges/:id/actions/new': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/governance/challenges/${f.govChallengeId}/actions/new`, form: { description: '' } }) },
  // ---- Multi-agency audits: a theme of partnership A in which the fixture's agency (that of A's auditor and agency lead) takes part, a round under way
  // with a draft section of that agency, and a round in moderation with an unmoderated case and findings. Posts are refused by validation, so nothing changes.
  'GET /audits': { allow: ASSURANCE_VIEW, request: () => ({ url: '/audits' }) },
  'GET /audits/themes/new': { allow: ['business_manager'], request: () => ({ url: '/audits/themes/new' }) },
  'POST /audits/themes/new': { allow: ['business_manager'], request: () => ({ url: '/audits/themes/new', form: { name: '' } }) },
  'GET /audits/themes/:id': { allow: ASSURANCE_VIEW, record: true, request: (f) => ({ url: `/audits/themes/${f.auditThemeId}` }) },
  'GET /audits/themes/:id/results.csv': { allow: ASSURANCE_VIEW, record: true, request: (f) => ({ url: `/audits/themes/${f.auditThemeId}/results.csv` }) },
  'GET /audits/themes/:id/edit': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/audits/themes/${f.auditThemeId}/edit` }) },
  'POST /audits/themes/:id/edit': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/audits/themes/${f.auditThemeId}/edit`, form: { name: '' } }) },
  'GET /audits/themes/:id/criteria': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/audits/themes/${f.auditThemeId}/criteria` }) },
  'POST /audits/themes/:id/criteria': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/audits/themes/${f.auditThemeId}/criteria`, form: { rules: '' } }) },
  'GET /audits/themes/:id/questions/new': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/audits/themes/${f.auditThemeId}/questions/new` }) },
  'POST /audits/themes/:id/questions/new': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/audits/themes/${f.auditThemeId}/questions/new`, form: { text: '' } }) },
  'GET /audits/themes/:id/questions/:questionId': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/audits/themes/${f.auditThemeId}/questions/${f.auditQuestionId}` }) },
  'POST /audits/themes/:id/questions/:questionId': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/audits/themes/${f.auditThemeId}/questions/${f.auditQuestionId}`, form: { text: '' } }) },
  // Removes a question kept for this row: only the business manager of A gets this far.
  'POST /audits/themes/:id/questions/:questionId/remove': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/audits/themes/${f.auditThemeId}/questions/${f.auditQuestionToRemoveId}/remove` }) },
  'GET /audits/themes/:id/rounds/new': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/audits/themes/${f.auditThemeId}/rounds/new` }) },
  'POST /audits/themes/:id/rounds/new': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/audits/themes/${f.auditThemeId}/rounds/new`, form: { 'plannedDate-day': '' } }) },
  'GET /audits/rounds/:id': { allow: ASSURANCE_VIEW, record: true, request: (f) => ({ url: `/audits/rounds/${f.auditRoundId}` }) },
  'POST /audits/rounds/:id/select': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/audits/rounds/${f.auditRoundId}/select` }) },
  'GET /audits/rounds/:id/date': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/audits/rounds/${f.auditRoundId}/date` }) },
  'POST /audits/rounds/:id/date': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/audits/rounds/${f.auditRoundId}/date`, form: { 'plannedDate-day': '' } }) },
  'GET /audits/rounds/:id/cases/:caseId/replace': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/audits/rounds/${f.auditRoundId}/cases/${f.auditCaseId}/replace` }) },
  'POST /audits/rounds/:id/cases/:caseId/replace': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/audits/rounds/${f.auditRoundId}/cases/${f.auditCaseId}/replace`, form: { reason: '' } }) },
  'GET /audits/rounds/:id/start': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/audits/rounds/${f.auditRoundId}/start` }) },
  'POST /audits/rounds/:id/start': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/audits/rounds/${f.auditRoundId}/start`, form: { 'sectionsDue-day': '' } }) },
  // An agency's section: the business manager reads any, an agency's lead or auditor their own agency's; only they complete it.
  'GET /audits/rounds/:id/cases/:caseId/agencies/:agencyId': { allow: ['business_manager', 'auditor', 'agency_lead'], record: true, request: (f) => ({ url: `/audits/rounds/${f.auditRoundId}/cases/${f.auditCaseId}/agencies/${f.a.agencyId}` }) },
  'POST /audits/rounds/:id/cases/:caseId/agencies/:agencyId': { allow: ['auditor', 'agency_lead'], record: true, request: (f) => ({ url: `/audits/rounds/${f.auditRoundId}/cases/${f.auditCaseId}/agencies/${f.a.agencyId}`, form: { intent: 'save', version: '0' } }) },
  'POST /audits/rounds/:id/moderation': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/audits/rounds/${f.auditRoundId}/moderation` }) },
  'GET /audits/rounds/:id/cases/:caseId': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/audits/rounds/${f.auditModerationRoundId}/cases/${f.auditModerationCaseId}` }) },
  'POST /audits/rounds/:id/cases/:caseId': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/audits/rounds/${f.auditModerationRoundId}/cases/${f.auditModerationCaseId}`, form: { grade: '' } }) },
  'GET /audits/rounds/:id/findings/new': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/audits/rounds/${f.auditModerationRoundId}/findings/new` }) },
  'POST /audits/rounds/:id/findings/new': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/audits/rounds/${f.auditModerationRoundId}/findings/new`, form: { kind: '' } }) },
  'GET /audits/rounds/:id/findings/:findingId': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/audits/rounds/${f.auditModerationRoundId}/findings/${f.auditFindingId}` }) },
  'POST /audits/rounds/:id/findings/:findingId': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/audits/rounds/${f.auditModerationRoundId}/findings/${f.auditFindingId}`, form: { kind: '' } }) },
  // Removes a finding kept for this row.
  'POST /audits/rounds/:id/findings/:findingId/remove': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/audits/rounds/${f.auditModerationRoundId}/findings/${f.auditFindingToRemoveId}/remove` }) },
  'POST /audits/rounds/:id/complete': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/audits/rounds/${f.auditModerationRoundId}/complete` }) },
  // ---- Section 11: an open cycle of partnership A with a draft return of the fixture's agency (that of A's auditor, agency lead and team manager),
  // and a second open cycle for the close button. Posts are refused by validation or by the cycle's state, so nothing else changes.
  'GET /section-11': { allow: ASSURANCE_VIEW, request: () => ({ url: '/section-11' }) },
  'GET /section-11/standards': { allow: ASSURANCE_VIEW, request: () => ({ url: '/section-11/standards' }) },
  'GET /section-11/standards/new': { allow: ['business_manager'], request: () => ({ url: '/section-11/standards/new' }) },
  'POST /section-11/standards/new': { allow: ['business_manager'], request: () => ({ url: '/section-11/standards/new', form: { title: '' } }) },
  'GET /section-11/standards/:id': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/section-11/standards/${f.s11StandardId}` }) },
  'POST /section-11/standards/:id': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/section-11/standards/${f.s11StandardId}`, form: { title: '' } }) },
  'POST /section-11/standards/:id/retire': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/section-11/standards/${f.s11RetireStandardId}/retire` }) },
  'POST /section-11/standards/:id/reinstate': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/section-11/standards/${f.s11RetireStandardId}/reinstate` }) },
  'GET /section-11/cycles/new': { allow: ['business_manager'], request: () => ({ url: '/section-11/cycles/new' }) },
  'POST /section-11/cycles/new': { allow: ['business_manager'], request: () => ({ url: '/section-11/cycles/new', form: { name: '' } }) },
  'GET /section-11/cycles/:id': { allow: ASSURANCE_VIEW, record: true, request: (f) => ({ url: `/section-11/cycles/${f.s11CycleId}` }) },
  'GET /section-11/cycles/:id/edit': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/section-11/cycles/${f.s11CycleId}/edit` }) },
  'POST /section-11/cycles/:id/edit': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/section-11/cycles/${f.s11CycleId}/edit`, form: { name: '' } }) },
  'POST /section-11/cycles/:id/open': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/section-11/cycles/${f.s11CycleId}/open` }) },
  'POST /section-11/cycles/:id/close': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/section-11/cycles/${f.s11SpareCycleId}/close` }) },
  'GET /section-11/cycles/:id/comparison': { allow: ASSURANCE_VIEW, record: true, request: (f) => ({ url: `/section-11/cycles/${f.s11CycleId}/comparison` }) },
  'GET /section-11/cycles/:id/comparison.csv': { allow: ASSURANCE_VIEW, record: true, request: (f) => ({ url: `/section-11/cycles/${f.s11CycleId}/comparison.csv` }) },
  'GET /section-11/trends': { allow: ASSURANCE_VIEW, request: () => ({ url: '/section-11/trends' }) },
  'GET /section-11/trends.csv': { allow: ASSURANCE_VIEW, request: () => ({ url: '/section-11/trends.csv' }) },
  // A return: the business manager reads any; an agency's people with assurance access read their own agency's; only its lead and auditor complete it.
  'GET /section-11/returns/:id': { allow: ASSURANCE_VIEW, record: true, request: (f) => ({ url: `/section-11/returns/${f.s11ReturnId}` }) },
  'POST /section-11/returns/:id/submit': { allow: ['auditor', 'agency_lead'], record: true, request: (f) => ({ url: `/section-11/returns/${f.s11ReturnId}/submit` }) },
  'POST /section-11/returns/:id/reopen': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/section-11/returns/${f.s11ReturnId}/reopen`, form: { reason: '' } }) },
  'POST /section-11/returns/:id/peer': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/section-11/returns/${f.s11ReturnId}/peer`, form: { peerAgency: 'none' } }) },
  'GET /section-11/returns/:id/standards/:standardId': { allow: ASSURANCE_VIEW, record: true, request: (f) => ({ url: `/section-11/returns/${f.s11ReturnId}/standards/${f.s11StandardId}` }) },
  'POST /section-11/returns/:id/standards/:standardId': { allow: ['auditor', 'agency_lead'], record: true, request: (f) => ({ url: `/section-11/returns/${f.s11ReturnId}/standards/${f.s11StandardId}`, form: { rating: 'none' } }) },
  // Peer challenge from the business manager, responses from the returning agency: the team manager takes no part.
  'POST /section-11/returns/:id/standards/:standardId/comments': { allow: ['business_manager', 'auditor', 'agency_lead'], record: true, request: (f) => ({ url: `/section-11/returns/${f.s11ReturnId}/standards/${f.s11StandardId}/comments`, form: { comment: '' } }) },
  'GET /actions': { allow: ASSURANCE_VIEW, request: () => ({ url: '/actions?rag=red' }) },
  'GET /actions/export.csv': { allow: ASSURANCE_VIEW, request: () => ({ url: '/actions/export.csv' }) },
  'GET /actions/new': { allow: ['business_manager'], request: () => ({ url: '/actions/new' }) },
  'POST /actions/new': { allow: ['business_manager'], request: () => ({ url: '/actions/new', form: { source: '' } }) },
  'GET /actions/:id': { allow: ASSURANCE_VIEW, record: true, request: (f) => ({ url: `/actions/${f.actionId}` }) },
  // The action is owned by the fixture's agency, the agency of A's auditor and agency lead.
  'POST /actions/:id': { allow: ['business_manager', 'auditor', 'agency_lead'], record: true, request: (f) => ({ url: `/actions/${f.actionId}`, form: { status: '' } }) },
  'POST /actions/:id/change': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/actions/${f.actionId}/change`, form: { reason: '' } }) },
  // A review of partnership A, notified, with the fixture's agency involved (the agency of A's auditor and agency lead).
  'GET /reviews': { allow: ASSURANCE_VIEW, request: () => ({ url: '/reviews?stage=rapid_review&theme=neglect' }) },
  'GET /reviews/new': { allow: ['business_manager'], request: () => ({ url: '/reviews/new' }) },
  'POST /reviews/new': { allow: ['business_manager'], request: () => ({ url: '/reviews/new', form: { summary: '' } }) },
  'GET /reviews/:id': { allow: ASSURANCE_VIEW, record: true, request: (f) => ({ url: `/reviews/${f.reviewId}` }) },
  'GET /reviews/:id/notification': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/reviews/${f.reviewId}/notification` }) },
  'POST /reviews/:id/notification': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/reviews/${f.reviewId}/notification`, form: { summary: '' } }) },
  'GET /reviews/:id/decision': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/reviews/${f.reviewId}/decision` }) },
  'POST /reviews/:id/decision': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/reviews/${f.reviewId}/decision`, form: { decision: '' } }) },
  'GET /reviews/:id/rapid-review': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/reviews/${f.reviewId}/rapid-review` }) },
  'POST /reviews/:id/rapid-review': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/reviews/${f.reviewId}/rapid-review`, form: { 'rrMeetingOn-day': 'x' } }) },
  'GET /reviews/:id/returns/:agencyId': { allow: ['business_manager', 'auditor', 'agency_lead'], record: true, request: (f) => ({ url: `/reviews/${f.reviewId}/returns/${f.a.agencyId}` }) },
  'POST /reviews/:id/returns/:agencyId': { allow: ['business_manager', 'auditor', 'agency_lead'], record: true, request: (f) => ({ url: `/reviews/${f.reviewId}/returns/${f.a.agencyId}`, form: { action: 'submit' } }) },
  'GET /reviews/:id/practice-review': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/reviews/${f.reviewId}/practice-review` }) },
  'POST /reviews/:id/practice-review': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/reviews/${f.reviewId}/practice-review`, form: { terms: '' } }) },
  'GET /reviews/:id/milestones/new': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/reviews/${f.reviewId}/milestones/new` }) },
  'POST /reviews/:id/milestones/new': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/reviews/${f.reviewId}/milestones/new`, form: { name: '' } }) },
  'GET /reviews/:id/milestones/:milestoneId': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/reviews/${f.reviewId}/milestones/${f.reviewMilestoneId}` }) },
  'POST /reviews/:id/milestones/:milestoneId': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/reviews/${f.reviewId}/milestones/${f.reviewMilestoneId}`, form: { name: '' } }) },
  // Removes the milestone: after the milestone's other rows, and only the business manager of A gets this far.
  'POST /reviews/:id/milestones/:milestoneId/remove': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/reviews/${f.reviewId}/milestones/${f.reviewMilestoneId}/remove` }) },
  'GET /reviews/:id/themes': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/reviews/${f.reviewId}/themes` }) },
  'POST /reviews/:id/themes': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/reviews/${f.reviewId}/themes`, form: { themes: 'no_such_theme' } }) },
  // Linking children needs assurance.manage and child.read, which no single role holds.
  'GET /reviews/:id/children': { allow: [], record: true, request: (f) => ({ url: `/reviews/${f.reviewId}/children?q=Testchild` }) },
  'POST /reviews/:id/children': { allow: [], record: true, request: (f) => ({ url: `/reviews/${f.reviewId}/children`, form: { childId: f.a.childId } }) },
  'POST /reviews/:id/children/:childId/remove': { allow: [], record: true, request: (f) => ({ url: `/reviews/${f.reviewId}/children/${f.a.childId}/remove` }) },
  'GET /reviews/:id/recommendations/new': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/reviews/${f.reviewId}/recommendations/new` }) },
  'POST /reviews/:id/recommendations/new': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/reviews/${f.reviewId}/recommendations/new`, form: { recommendation: '' } }) },
  'GET /reviews/:id/briefings/new': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/reviews/${f.reviewId}/briefings/new` }) },
  'POST /reviews/:id/briefings/new': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/reviews/${f.reviewId}/briefings/new`, form: { title: '' } }) },
  'GET /reviews/:id/briefings/:briefingId': { allow: ASSURANCE_VIEW, record: true, request: (f) => ({ url: `/reviews/${f.reviewId}/briefings/${f.reviewBriefingId}` }) },
  'GET /reviews/:id/briefings/:briefingId/edit': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/reviews/${f.reviewId}/briefings/${f.reviewBriefingId}/edit` }) },
  'POST /reviews/:id/briefings/:briefingId/edit': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/reviews/${f.reviewId}/briefings/${f.reviewBriefingId}/edit`, form: { title: '' } }) },
  'GET /reviews/:id/close': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/reviews/${f.reviewId}/close` }) },
  'POST /reviews/:id/close': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/reviews/${f.reviewId}/close`, form: { closingNote: '' } }) },
  'POST /reviews/:id/reopen': { allow: ['business_manager'], record: true, request: (f) => ({ url: `/reviews/${f.reviewId}/reopen`, form: { version: '1' } }) },
  // ---- Training: attendance, certificates, evaluation, reports and the planner ----
  // A's trainer marks the session (they are its trainer); the empty register is refused as incomplete.
  'GET /training/sessions/:id/attendance': { allow: TRAINING_MANAGE, record: true, request: (f) => ({ url: `/training/sessions/${f.trainingSessionId}/attendance` }) },
  'POST /training/sessions/:id/attendance': { allow: TRAINING_MANAGE, record: true, request: (f) => ({ url: `/training/sessions/${f.trainingSessionId}/attendance`, form: {} }) },
  // The booking is A's practitioner's, marked attended: theirs, and those who manage training.
  'GET /training/bookings/:id/certificate.pdf': { allow: ROLE_NAMES, record: true, onlyFor: ['practitioner', ...TRAINING_MANAGE], request: (f) => ({ url: `/training/bookings/${f.trainingBookingId}/certificate.pdf` }) },
  'GET /training/bookings/:id/evaluation': { allow: TRAINING_BOOK, record: true, onlyFor: ['practitioner'], request: (f) => ({ url: `/training/bookings/${f.trainingBookingId}/evaluation` }) },
  'POST /training/bookings/:id/evaluation': { allow: TRAINING_BOOK, record: true, onlyFor: ['practitioner'], request: (f) => ({ url: `/training/bookings/${f.trainingBookingId}/evaluation`, form: { overall: '' } }) },
  // Not open yet (weeks after the session): the form is refused with the date it opens.
  'GET /training/bookings/:id/impact': { allow: TRAINING_BOOK, record: true, onlyFor: ['practitioner'], request: (f) => ({ url: `/training/bookings/${f.trainingBookingId}/impact` }) },
  'POST /training/bookings/:id/impact': { allow: TRAINING_BOOK, record: true, onlyFor: ['practitioner'], request: (f) => ({ url: `/training/bookings/${f.trainingBookingId}/impact`, form: { confidenceNow: '' } }) },
  'GET /training/settings': { allow: ['business_manager'], request: () => ({ url: '/training/settings' }) },
  'POST /training/settings': { allow: ['business_manager'], request: () => ({ url: '/training/settings', form: { charge: 'free' } }) },
  'GET /training/charges': { allow: ['business_manager'], request: () => ({ url: '/training/charges?period=fy&to=2026-03-31' }) },
  'GET /training/charges.csv': { allow: ['business_manager'], request: () => ({ url: '/training/charges.csv' }) },
  'GET /training/reports': { allow: TRAINING_MANAGE, request: () => ({ url: '/training/reports?period=fy&to=2026-03-31' }) },
  'GET /training/reports.csv': { allow: TRAINING_MANAGE, request: () => ({ url: '/training/reports.csv' }) },
  'GET /training/planner': { allow: holders('training.book', 'training.manage'), request: () => ({ url: '/training/planner' }) },
  'POST /training/planner': { allow: TRAINING_MANAGE, request: () => ({ url: '/training/planner', form: { course: '' } }) },
  // A scheduled session is refused: only a planned one comes off the planner.
  'POST /training/planner/sessions/:id/remove': { allow: TRAINING_MANAGE, record: true, request: (f) => ({ url: `/training/planner/sessions/${f.trainingSessionId}/remove` }) },
  // ---- Training: the catalogue, booking and the training team's pages. Booking the session that has started, and cancelling on it, are refused
  // (409); the forms are refused by validation or as edited from a stale page; the training team's cancel takes the target person's booking once.
  'GET /training': { allow: TRAINING_BOOK, request: () => ({ url: '/training?theme=neglect' }) },
  'GET /training/courses/:id': { allow: TRAINING_BOOK, record: true, request: (f) => ({ url: `/training/courses/${f.trainingCourseId}` }) },
  'GET /training/sessions/:id': { allow: TRAINING_BOOK, record: true, request: (f) => ({ url: `/training/sessions/${f.trainingFutureSessionId}` }) },
  'POST /training/sessions/:id/book': { allow: TRAINING_BOOK, record: true, request: (f) => ({ url: `/training/sessions/${f.trainingSessionId}/book` }) },
  'POST /training/sessions/:id/cancel': { allow: TRAINING_BOOK, record: true, request: (f) => ({ url: `/training/sessions/${f.trainingSessionId}/cancel` }) },
  'GET /training/my-bookings': { allow: TRAINING_BOOK, request: () => ({ url: '/training/my-bookings' }) },
  // Anyone may be named a line manager: the page shows only the bookings of their own staff.
  'GET /training/my-team': { allow: ROLE_NAMES, request: () => ({ url: '/training/my-team' }) },
  'GET /training/manage': { allow: TRAINING_MANAGE, request: () => ({ url: '/training/manage' }) },
  'GET /training/manage/courses/new': { allow: TRAINING_MANAGE, request: () => ({ url: '/training/manage/courses/new' }) },
  'POST /training/manage/courses/new': { allow: TRAINING_MANAGE, request: () => ({ url: '/training/manage/courses/new', form: { title: '' } }) },
  'GET /training/manage/courses/:id': { allow: TRAINING_MANAGE, record: true, request: (f) => ({ url: `/training/manage/courses/${f.trainingCourseId}` }) },
  'POST /training/manage/courses/:id': { allow: TRAINING_MANAGE, record: true, request: (f) => ({ url: `/training/manage/courses/${f.trainingCourseId}`, form: { title: '' } }) },
  'GET /training/manage/courses/:id/sessions/new': { allow: TRAINING_MANAGE, record: true, request: (f) => ({ url: `/training/manage/courses/${f.trainingCourseId}/sessions/new` }) },
  'POST /training/manage/courses/:id/sessions/new': { allow: TRAINING_MANAGE, record: true, request: (f) => ({ url: `/training/manage/courses/${f.trainingCourseId}/sessions/new`, form: { capacity: '' } }) },
  'GET /training/manage/sessions/:id': { allow: TRAINING_MANAGE, record: true, request: (f) => ({ url: `/training/manage/sessions/${f.trainingFutureSessionId}` }) },
  'POST /training/manage/sessions/:id': { allow: TRAINING_MANAGE, record: true, request: (f) => ({ url: `/training/manage/sessions/${f.trainingFutureSessionId}`, form: { version: '0' } }) },
  'POST /training/manage/sessions/:id/cancel': { allow: TRAINING_MANAGE, record: true, request: (f) => ({ url: `/training/manage/sessions/${f.trainingFutureSessionId}/cancel`, form: { reason: '' } }) },
  'POST /training/manage/bookings/:id/cancel': { allow: TRAINING_MANAGE, record: true, request: (f) => ({ url: `/training/manage/bookings/${f.trainingCancelBookingId}/cancel` }) },
  'GET /register': { allow: 'public', request: () => ({ url: '/register' }) },
  'POST /register': { allow: 'public', request: () => ({ url: '/register', form: { name: '' } }) },
  'GET /register/verify': { allow: 'public', request: () => ({ url: '/register/verify?token=unknown' }) },
  'POST /register/verify': { allow: 'public', request: () => ({ url: '/register/verify', form: { token: 'unknown' } }) },
  // ---- An annual report's sections: a report of partnership A with a written section owned by A's agency lead (no text yet, so it cannot be submitted), a data section
  // with no owner (the business manager's) and a version, and the agency lead's comment. Posts are refused by validation or a stale form; the comment is resolved once.
  'GET /reports/annual/:id/sections/:sectionId': { allow: holders('report.view'), record: true, request: (f) => ({ url: `/reports/annual/${f.sectionsReportId}/sections/${f.writtenSectionId}` }) },
  'GET /reports/annual/:id/sections/:sectionId/edit': { allow: holders('report.write'), record: true, refusedFor: ['team_manager', 'executive'], request: (f) => ({ url: `/reports/annual/${f.sectionsReportId}/sections/${f.writtenSectionId}/edit` }) },
  'POST /reports/annual/:id/sections/:sectionId/edit': { allow: holders('report.write'), record: true, refusedFor: ['team_manager', 'executive'], request: (f) => ({ url: `/reports/annual/${f.sectionsReportId}/sections/${f.writtenSectionId}/edit`, form: { body: '', openedAt: '0' } }) },
  'POST /reports/annual/:id/sections/:sectionId/submit': { allow: holders('report.write'), record: true, refusedFor: ['team_manager', 'executive'], request: (f) => ({ url: `/reports/annual/${f.sectionsReportId}/sections/${f.writtenSectionId}/submit` }) },
  'GET /reports/annual/:id/sections/:sectionId/sentences': { allow: holders('report.write'), record: true, refusedFor: ['team_manager', 'agency_lead', 'executive'], request: (f) => ({ url: `/reports/annual/${f.sectionsReportId}/sections/${f.dataSectionId}/sentences` }) },
  'POST /reports/annual/:id/sections/:sectionId/sentences': { allow: holders('report.write'), record: true, refusedFor: ['team_manager', 'agency_lead', 'executive'], request: (f) => ({ url: `/reports/annual/${f.sectionsReportId}/sections/${f.dataSectionId}/sentences`, form: { openedAt: 'x' } }) },
  'POST /reports/annual/:id/sections/:sectionId/review': { allow: holders('report.manage'), record: true, request: (f) => ({ url: `/reports/annual/${f.sectionsReportId}/sections/${f.dataSectionId}/review`, form: { decision: '' } }) },
  'POST /reports/annual/:id/sections/:sectionId/comments': { allow: holders('report.view'), record: true, request: (f) => ({ url: `/reports/annual/${f.sectionsReportId}/sections/${f.writtenSectionId}/comments`, form: { comment: '' } }) },
  'POST /reports/annual/:id/sections/:sectionId/comments/:commentId/resolve': { allow: holders('report.view'), record: true, refusedFor: ['team_manager', 'data_analyst', 'executive'],
    request: (f) => ({ url: `/reports/annual/${f.sectionsReportId}/sections/${f.writtenSectionId}/comments/${f.sectionCommentId}/resolve` }) },
  'GET /reports/annual/:id/sections/:sectionId/versions/:number': { allow: holders('report.view'), record: true, request: (f) => ({ url: `/reports/annual/${f.sectionsReportId}/sections/${f.dataSectionId}/versions/1` }) },
  // ---- The annual report: a drafting report of partnership A. Posts are refused by validation, by a stale version, or because not every section is accepted.
  'GET /reports/annual': { allow: holders('report.view'), request: () => ({ url: '/reports/annual' }) },
  'GET /reports/annual/new': { allow: holders('report.manage'), request: () => ({ url: '/reports/annual/new' }) },
  'POST /reports/annual/new': { allow: holders('report.manage'), request: () => ({ url: '/reports/annual/new', form: { title: '' } }) },
  'GET /reports/annual/:id': { allow: holders('report.view'), record: true, request: (f) => ({ url: `/reports/annual/${f.annualReportId}` }) },
  'GET /reports/annual/:id/history': { allow: holders('report.view'), record: true, request: (f) => ({ url: `/reports/annual/${f.annualReportId}/history` }) },
  'GET /reports/annual/:id/sections/new': { allow: holders('report.manage'), record: true, request: (f) => ({ url: `/reports/annual/${f.annualReportId}/sections/new` }) },
  'POST /reports/annual/:id/sections/new': { allow: holders('report.manage'), record: true, request: (f) => ({ url: `/reports/annual/${f.annualReportId}/sections/new`, form: { source: '' } }) },
  'POST /reports/annual/:id/sections/:sectionId/move': { allow: holders('report.manage'), record: true, request: (f) => ({ url: `/reports/annual/${f.annualReportId}/sections/${f.reportSectionId}/move`, form: { direction: '' } }) },
  'GET /reports/annual/:id/sections/:sectionId/remove': { allow: holders('report.manage'), record: true, request: (f) => ({ url: `/reports/annual/${f.annualReportId}/sections/${f.reportSectionId}/remove` }) },
  'POST /reports/annual/:id/sections/:sectionId/remove': { allow: holders('report.manage'), record: true, request: (f) => ({ url: `/reports/annual/${f.annualReportId}/sections/${f.reportSectionId}/remove`, form: { version: '0' } }) },
  'POST /reports/annual/:id/sections/:sectionId/restore': { allow: holders('report.manage'), record: true, request: (f) => ({ url: `/reports/annual/${f.annualReportId}/sections/${f.reportSectionId}/restore`, form: { version: '0' } }) },
  'GET /reports/annual/:id/sections/:sectionId/owner': { allow: holders('report.manage'), record: true, request: (f) => ({ url: `/reports/annual/${f.annualReportId}/sections/${f.reportSectionId}/owner` }) },
  'POST /reports/annual/:id/sections/:sectionId/owner': { allow: holders('report.manage'), record: true, request: (f) => ({ url: `/reports/annual/${f.annualReportId}/sections/${f.reportSectionId}/owner`, form: { owner: '' } }) },
  'GET /reports/annual/:id/send': { allow: holders('report.manage'), record: true, request: (f) => ({ url: `/reports/annual/${f.annualReportId}/send` }) },
  'POST /reports/annual/:id/send': { allow: holders('report.manage'), record: true, request: (f) => ({ url: `/reports/annual/${f.annualReportId}/send` }) },
  'GET /reports/annual/:id/approval': { allow: holders('report.approve'), record: true, request: (f) => ({ url: `/reports/annual/${f.annualReportId}/approval` }) },
  'POST /reports/annual/:id/approval': { allow: holders('report.approve'), record: true, request: (f) => ({ url: `/reports/annual/${f.annualReportId}/approval`, form: { decision: '' } }) },
  'POST /reports/annual/:id/reopen': { allow: holders('report.manage'), record: true, request: (f) => ({ url: `/reports/annual/${f.annualReportId}/reopen`, form: { reason: '' } }) },
  // ---- The annual report's outputs: A's report previewed (the internal version) and downloaded (the public version as a web page).
  'GET /reports/annual/:id/preview': { allow: holders('report.view'), record: true, request: (f) => ({ url: `/reports/annual/${f.annualReportId}/preview` }) },
  'GET /reports/annual/:id/download': { allow: holders('report.view'), record: true, request: (f) => ({ url: `/reports/annual/${f.annualReportId}/download?format=html&edition=public` }) },
  // ---- The voice of the child: a survey's results recorded in partnership A, chosen into A's report by its business manager. Posts are refused by validation.
  'GET /voice': { allow: holders('voice.record'), request: () => ({ url: '/voice?kind=survey&theme=feeling_safe' }) },
  'GET /voice/new': { allow: holders('voice.record'), request: () => ({ url: '/voice/new' }) },
  'POST /voice/new': { allow: holders('voice.record'), request: () => ({ url: '/voice/new', form: { kind: '' } }) },
  'GET /voice/:id': { allow: holders('voice.record'), record: true, request: (f) => ({ url: `/voice/${f.voiceEntryId}` }) },
  'POST /voice/:id': { allow: holders('voice.record'), record: true, request: (f) => ({ url: `/voice/${f.voiceEntryId}`, form: { reason: '' } }) },
  'GET /voice/:id/edit': { allow: holders('voice.record'), record: true, request: (f) => ({ url: `/voice/${f.voiceEntryId}/edit` }) },
  'POST /voice/:id/edit': { allow: holders('voice.record'), record: true, request: (f) => ({ url: `/voice/${f.voiceEntryId}/edit`, form: { kind: '', version: '1' } }) },
  'GET /reports/annual/:id/voice': { allow: holders('report.manage'), record: true, request: (f) => ({ url: `/reports/annual/${f.annualReportId}/voice` }) },
  'POST /reports/annual/:id/voice': { allow: holders('report.manage'), record: true, request: (f) => ({ url: `/reports/annual/${f.annualReportId}/voice`, form: { action: 'choose' } }) },
};

type Outcome = 'allowed' | 'forbidden' | 'not-found' | 'sign-in' | 'unauthorised';

function outcomeOf(res: { statusCode: number; headers: Record<string, unknown> }): Outcome {
  if (res.statusCode === 401 && String(res.headers['www-authenticate']).startsWith('Bearer')) return 'unauthorised';
  if (res.statusCode === 403) return 'forbidden';
  if (res.statusCode === 404) return 'not-found';
  if (res.statusCode === 302 && String(res.headers.location).startsWith('/sign-in')) return 'sign-in';
  return 'allowed';
}

/** Booking in partnership A: the matrix course's next session, and the target person's place on it for the training team to cancel. */
async function seedMatrixBooking(db: TestApp['db'], fixture: Fixture, startedSessionId: string, targetUserId: number) {
  const { course_id: courseId } = await db.selectFrom('course_session').select('course_id').where('id', '=', startedSessionId).executeTakeFirstOrThrow();
  const session = await db.insertInto('course_session').values({ partnership_id: fixture.a.id, course_id: courseId, starts_at: new Date('2026-07-01T09:00:00Z'),
    ends_at: new Date('2026-07-01T10:00:00Z'), venue: 'Matrix Hall', capacity: 10 }).returning('id').executeTakeFirstOrThrow();
  const booking = await db.insertInto('booking').values({ partnership_id: fixture.a.id, session_id: session.id, user_id: targetUserId, status: 'confirmed',
    booked_at: new Date('2026-05-01T09:00:00Z'), confirmed_at: new Date('2026-05-01T09:00:00Z') }).returning('id').executeTakeFirstOrThrow();
  return { trainingCourseId: courseId, trainingFutureSessionId: session.id, trainingCancelBookingId: booking.id };
}

/** Training records in partnership A: a session that has started, A's trainer its trainer, and A's practitioner's booking on it, attended. */
async function seedMatrixTraining(db: TestApp['db'], fixture: Fixture) {
  const a = fixture.a.id;
  const trainer = await db.selectFrom('app_user').select('id').where('email', '=', 'trainer@a.test').executeTakeFirstOrThrow();
  const practitioner = await db.selectFrom('app_user').select('id').where('email', '=', 'practitioner@a.test').executeTakeFirstOrThrow();
  const course = await db.insertInto('course').values({ partnership_id: a, title: 'Matrix course', summary: 'Matrix', description: 'Matrix', audience: 'All',
    level: '1', delivery: 'face_to_face', duration_minutes: 60, themes: ['neglect'] }).returning('id').executeTakeFirstOrThrow();
  const session = await db.insertInto('course_session').values({ partnership_id: a, course_id: course.id, starts_at: new Date('2026-05-20T09:00:00Z'),
    ends_at: new Date('2026-05-20T10:00:00Z'), capacity: 10, trainer_user_id: trainer.id }).returning('id').executeTakeFirstOrThrow();
  const booking = await db.insertInto('booking').values({ partnership_id: a, session_id: session.id, user_id: practitioner.id, status: 'confirmed',
    booked_at: new Date('2026-05-01T09:00:00Z'), confirmed_at: new Date('2026-05-01T09:00:00Z'), attendance: 'attended', attendance_marked_at: new Date('2026-05-20T10:00:00Z'),
    certificate_number: 'AP-2026-999999' }).returning('id').executeTakeFirstOrThrow();
  return { trainingSessionId: session.id, trainingBookingId: booking.id };
}

function expected(row: Row, role: Role | null, own: boolean): Outcome {
  if (row.allow === 'public') return 'allowed';
  if (row.allow === 'api-token') return 'unauthorised';
  if (role === null) return 'sign-in';
  if (row.allow === 'signed-in') return 'allowed';
  if (!row.allow.includes(role)) return 'forbidden';
  if (row.record && !own) return 'not-found';
  if (row.refusedFor?.includes(role)) return 'forbidden';
  return row.onlyFor && !row.onlyFor.includes(role) ? 'not-found' : 'allowed';
}

/** An annual report's sections in partnership A, as the rows above describe them: a period of its own, apart from any other report of A's. */
async function seedMatrixReportSections(db: TestApp['db'], fixture: Fixture) {
  const a = fixture.a.id;
  const lead = await db.selectFrom('app_user').select('id').where('email', '=', 'agency_lead@a.test').executeTakeFirstOrThrow();
  const report = await db.insertInto('annual_report').values({ partnership_id: a, title: 'Matrix sections', period_from: '2023-04-01', period_to: '2024-03-31', updated_at: new Date() })
    .returning('id').executeTakeFirstOrThrow();
  const section = (position: number, key: string, kind: 'written' | 'data', owner: number | null) => db.insertInto('report_section').values({
    partnership_id: a, report_id: report.id, position, catalogue_key: key, kind, heading: key, owner_user_id: owner, updated_at: new Date(),
  }).returning('id').executeTakeFirstOrThrow();
  const written = await section(1, 'health', 'written', lead.id);
  const data = await section(2, 'data_tell_us', 'data', null);
  await db.insertInto('report_section_version').values({ partnership_id: a, section_id: data.id, number: 1, sentence_edits: JSON.stringify({}), created_by: lead.id }).execute();
  const comment = await db.insertInto('report_section_comment').values({ partnership_id: a, section_id: written.id, author_id: lead.id, body: 'Matrix comment' })
    .returning('id').executeTakeFirstOrThrow();
  return { sectionsReportId: report.id, writtenSectionId: written.id, dataSectionId: data.id, sectionCommentId: comment.id };
}

/** Section 11's records in partnership A, as the rows above describe them: two cycles opened through the service, their emails queued. */
async function seedMatrixSection11(db: TestApp['db'], fixture: Fixture) {
  const mailer = createMailer({ from: 'beacon@a.test' });
  const plan = (name: string) => planCycle(db, mailer, fixture.a.id, {
    name, 'openDate-day': '1', 'openDate-month': '6', 'openDate-year': '2026', 'dueDate-day': '31', 'dueDate-month': '7', 'dueDate-year': '2026',
    scoring: 'score', agencies: String(fixture.a.agencyId),
  }, null, new Date('2026-06-01T09:00:00Z'), { publicUrl: '' });
  const { cycle, opening } = await plan('Matrix 2026');
  const spare = await plan('Matrix spare');
  const standards = await db.selectFrom('section11_standard').select(['id', 'number']).where('partnership_id', '=', fixture.a.id).orderBy('number').execute();
  return { s11CycleId: cycle.id, s11SpareCycleId: spare.cycle.id, s11ReturnId: opening!.returns[0]!.returnId, s11StandardId: standards[0]!.id, s11RetireStandardId: standards.at(-1)!.id };
}

/** The audit programme's records in partnership A, as the rows above describe them. */
async function seedMatrixAudits(db: TestApp['db'], fixture: Fixture) {
  const a = fixture.a.id;
  const police = await addAgency(db, a, { name: 'Matrix Police', type: 'police' });
  const theme = await db.insertInto('audit_theme').values({ partnership_id: a, name: 'Matrix neglect', short_name: 'Matrix', learning_theme: 'neglect', frequency_months: 4,
    sample_size: 2, scale: 'ofsted', criteria: JSON.stringify({ match: 'all', rules: [] }) }).returning('id').executeTakeFirstOrThrow();
  await db.insertInto('audit_theme_agency').values([fixture.a.agencyId, police.id].map((agency_id) => ({ theme_id: theme.id, agency_id, partnership_id: a }))).execute();
  const [question, toRemove] = await db.insertInto('audit_question').values([1, 2].map((position) => ({ theme_id: theme.id, partnership_id: a, position, text: `Question ${position}` })))
    .returning('id').execute();
  const tool = JSON.stringify({ scale: 'ofsted', scoreLabels: [], questions: [{ id: question!.id, text: 'Question 1', help: null }] });
  const round = async (planned_date: string, status: 'in_progress' | 'moderation') => {
    const r = await db.insertInto('audit_round').values({ partnership_id: a, theme_id: theme.id, planned_date, status, sections_due: '2026-06-30', tool, started_at: new Date() })
      .returning('id').executeTakeFirstOrThrow();
    await db.insertInto('audit_round_agency').values({ round_id: r.id, agency_id: fixture.a.agencyId, partnership_id: a }).execute();
    const c = await db.insertInto('audit_case').values({ partnership_id: a, round_id: r.id, child_id: fixture.a.childId, case_number: 1, selected_at: new Date() })
      .returning('id').executeTakeFirstOrThrow();
    await db.insertInto('audit_section').values({ partnership_id: a, round_id: r.id, case_id: c.id, agency_id: fixture.a.agencyId }).execute();
    return { roundId: r.id, caseId: c.id };
  };
  const underWay = await round('2026-05-04', 'in_progress');
  const moderation = await round('2026-01-05', 'moderation');
  const [finding, findingToRemove] = await db.insertInto('audit_finding').values([1, 2].map((number) => ({ partnership_id: a, round_id: moderation.roundId, number, kind: 'strength' as const, text: `Finding ${number}` })))
    .returning('id').execute();
  return {
    auditThemeId: theme.id, auditQuestionId: question!.id, auditQuestionToRemoveId: toRemove!.id, auditRoundId: underWay.roundId, auditCaseId: underWay.caseId,
    auditModerationRoundId: moderation.roundId, auditModerationCaseId: moderation.caseId, auditFindingId: finding!.id, auditFindingToRemoveId: findingToRemove!.id,
  };
}

/** Single sign-on in partnership A, as the rows above describe them: its agency's configuration, and a person waiting for approval. */
async function seedMatrixSso(db: TestApp['db'], fixture: Fixture) {
  await db.insertInto('agency_sso').values({ agency_id: fixture.a.agencyId, partnership_id: fixture.a.id, issuer_url: 'https://idp.a.test', client_id: 'beacon',
    client_secret_sealed: 'v1.x.y.z', email_domains: ['a.test'], updated_at: new Date() }).execute();
  const person = await db.insertInto('app_user').values({ email: 'waiting@a.test', name: 'Waiting Person', agency_id: fixture.a.agencyId, password_hash: '',
    mfa_secret: null, mfa_enrolled_at: null, mfa_last_step: null, status: 'disabled', locked_until: null, last_sign_in_at: null, last_partnership_id: fixture.a.id,
    email_verified_at: new Date() }).returning('id').executeTakeFirstOrThrow();
  const request = await db.insertInto('account_request').values({ partnership_id: fixture.a.id, user_id: person.id, agency_id: fixture.a.agencyId, requested_at: new Date() })
    .returning('id').executeTakeFirstOrThrow();
  return { accountRequestId: request.id };
}

/** Governance's records in partnership A, as the rows above describe them. */
async function seedMatrixGovernance(db: TestApp['db'], fixture: Fixture) {
  const a = fixture.a.id;
  const group = await db.insertInto('assurance_group').values({ partnership_id: a, name: 'Matrix subgroup', kind: 'subgroup' }).returning('id').executeTakeFirstOrThrow();
  const member = await db.insertInto('group_member').values({ partnership_id: a, group_id: group.id, name: 'Matrix Member', agency_id: fixture.a.agencyId, role: 'chair',
    from_date: '2020-01-01', updated_at: new Date() }).returning('id').executeTakeFirstOrThrow();
  const meeting = await db.insertInto('group_meeting').values({ partnership_id: a, group_id: group.id, starts_at: new Date('2026-05-01T09:00:00Z'), updated_at: new Date() })
    .returning('id').executeTakeFirstOrThrow();
  const item = await db.insertInto('meeting_item').values({ partnership_id: a, meeting_id: meeting.id, position: 1, title: 'Matrix item' }).returning('id').executeTakeFirstOrThrow();
  const guest = await db.insertInto('meeting_attendance').values({ partnership_id: a, meeting_id: meeting.id, guest_name: 'Matrix Guest', attendance: 'present' })
    .returning('id').executeTakeFirstOrThrow();
  const challenge = await db.insertInto('challenge').values({ partnership_id: a, reference: 'CH 2026/01', raised_on: '2026-05-01', raised_by_kind: 'partnership',
    to_agency_id: fixture.a.agencyId, subject: 'Matrix', detail: 'Matrix', response_due: '2026-06-01', updated_at: new Date() }).returning('id').executeTakeFirstOrThrow();
  return { govGroupId: group.id, govMemberId: member.id, govMeetingId: meeting.id, govItemId: item.id, govGuestId: guest.id, govChallengeId: challenge.id };
}

describe.each(dialects())('authorisation matrix (%s)', (dialect) => {
  let t: TestApp;
  let f: Fixture & Extra;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    const target = await addUser(t.db, t.fixture.a.id, { email: 'target@a.test', name: 'Target Person', agencyId: t.fixture.a.agencyId, roles: ['practitioner'] });
    const referral = await t.db.insertInto('referral').values({ partnership_id: t.fixture.a.id, child_id: t.fixture.a.childId, referral_date: '2025-01-06' }).returning('id').executeTakeFirstOrThrow();
    const team = await t.db.insertInto('team').values({ partnership_id: t.fixture.a.id, name: 'Matrix team' }).returning('id').executeTakeFirstOrThrow();
    const run = await t.db.insertInto('import_run').values({ partnership_id: t.fixture.a.id, kind: 'cin', file_name: 'cin.xml', file_hash: 'x', outcome: 'succeeded',
      imported_by: 'data_analyst@a.test', started_at: new Date(), finished_at: new Date() }).returning('id').executeTakeFirstOrThrow();
    const partnerData = await t.db.insertInto('partner_data_set').values({ partnership_id: t.fixture.a.id, agency_id: t.fixture.a.agencyId, period_end: '2025-03-31',
      file_name: 'police.csv', file_hash: 'x', uploaded_by: 'business_manager@a.test', uploaded_at: new Date() }).returning('id').executeTakeFirstOrThrow();
    const email = await t.db.insertInto('email_outbox').values({ partnership_id: t.fixture.a.id, to_address: 'dsl@school.test', subject: 'Outcome of your contact', body: 'Referred.' })
      .returning('id').executeTakeFirstOrThrow();
    // A MASH enquiry in partnership A with a check asked of the fixture's agency (the agency of A's MASH officer).
    const contact = await t.db.insertInto('front_door_contact').values({ partnership_id: t.fixture.a.id, received_at: new Date(), source: '6', reason: 'Matrix',
      consent: 'given', decision_due_at: new Date(), status: 'in_mash', decision: 'mash_enquiry', updated_at: new Date() }).returning('id').executeTakeFirstOrThrow();
    await t.db.insertInto('contact').values({ partnership_id: t.fixture.a.id, child_id: t.fixture.a.childId, contact_date: '2026-06-01', front_door_contact_id: contact.id }).execute();
    const enquiry = await t.db.insertInto('mash_enquiry').values({ partnership_id: t.fixture.a.id, front_door_contact_id: contact.id, rag: 'amber', opened_at: new Date(), updated_at: new Date() })
      .returning('id').executeTakeFirstOrThrow();
    const check = await t.db.insertInto('agency_check').values({ partnership_id: t.fixture.a.id, mash_enquiry_id: enquiry.id, agency_id: t.fixture.a.agencyId, rag: 'amber',
      requested_at: new Date(), due_at: new Date(Date.now() + 86_400_000) }).returning('id').executeTakeFirstOrThrow();
    // A contact awaiting a decision in partnership A, about its child.
    const frontDoorContact = await t.db.insertInto('front_door_contact').values({ partnership_id: t.fixture.a.id, received_at: new Date(), source: '2A', reason: 'Matrix',
      consent: 'given', decision_due_at: new Date(), updated_at: new Date() }).returning('id').executeTakeFirstOrThrow();
    await t.db.insertInto('contact').values({ partnership_id: t.fixture.a.id, child_id: t.fixture.a.childId, contact_date: '2026-06-02', front_door_contact_id: frontDoorContact.id }).execute();
    // A front door quality audit of that contact's decision, in partnership A.
    const fdAudit = await t.db.insertInto('front_door_audit').values({ partnership_id: t.fixture.a.id, month: '2026-06-01', kind: 'manager', front_door_contact_id: contact.id })
      .returning('id').executeTakeFirstOrThrow();
    const [actionId] = await createActions(t.db, t.fixture.a.id, [{ source: 'other', reference: 'Matrix 1', description: 'Matrix action', ownerAgencyId: t.fixture.a.agencyId, dueDate: '2026-06-30' }], null, new Date());
    const review = await t.db.insertInto('review').values({ partnership_id: t.fixture.a.id, ref_year: 2026, ref_number: 1, reference: 'RR 2026/01', aware_on: '2026-05-26',
      summary: 'Matrix', abuse_or_neglect: 'suspected', harm: 'serious_harm', notify_decision: 'notify', decided_on: '2026-05-27', notified_on: '2026-05-27', updated_at: new Date() })
      .returning('id').executeTakeFirstOrThrow();
    await t.db.insertInto('review_agency').values({ review_id: review.id, agency_id: t.fixture.a.agencyId, partnership_id: t.fixture.a.id }).execute();
    const milestone = await t.db.insertInto('review_milestone').values({ review_id: review.id, partnership_id: t.fixture.a.id, name: 'Matrix', due_on: '2026-07-01' })
      .returning('id').executeTakeFirstOrThrow();
    const briefing = await t.db.insertInto('learning_briefing').values({ review_id: review.id, partnership_id: t.fixture.a.id, title: 'Matrix', key_messages: 'One', audience: 'All', updated_at: new Date() })
      .returning('id').executeTakeFirstOrThrow();
    const s11 = await seedMatrixSection11(t.db, t.fixture);
    const audits = await seedMatrixAudits(t.db, t.fixture);
    const training = await seedMatrixTraining(t.db, t.fixture);
    const booking = await seedMatrixBooking(t.db, t.fixture, training.trainingSessionId, target.id);
    const governance = await seedMatrixGovernance(t.db, t.fixture);
    const reportSections = await seedMatrixReportSections(t.db, t.fixture);
    const annualReport = await createReport(t.db, t.fixture.a.id, { title: 'Matrix report', from: '2025-04-01', to: '2026-03-31' },
      (await t.db.selectFrom('app_user').select('id').where('email', '=', 'business_manager@a.test').executeTakeFirstOrThrow()).id, new Date(), '2026-06-01');
    const reportSection = await t.db.selectFrom('report_section').select('id').where('report_id', '=', annualReport.id).orderBy('position').offset(1).limit(1).executeTakeFirstOrThrow();
    const voiceEntry = await t.db.insertInto('voice_entry').values({ partnership_id: t.fixture.a.id, kind: 'survey', title: 'Matrix survey', body: 'Most feel safe.',
      collected_on: '2025-06-01', respondents: 40, themes: ['feeling_safe'], consent: 'not_needed', anonymised: true, updated_at: new Date() }).returning('id').executeTakeFirstOrThrow();
    const sso = await seedMatrixSso(t.db, t.fixture);
    f = { ...t.fixture, ...sso, ...reportSections, annualReportId: annualReport.id, reportSectionId: reportSection.id, voiceEntryId: voiceEntry.id, ...training, ...booking, ...governance, ...audits, ...s11, reviewId: review.id, reviewMilestoneId: milestone.id, reviewBriefingId: briefing.id, actionId: actionId!, targetUserId: target.id, referralId: referral.id, teamId: team.id, importRunId: run.id, partnerDataSetId: partnerData.id, emailId: email.id, frontDoorContactId: frontDoorContact.id, mashEnquiryId: enquiry.id, agencyCheckId: check.id, frontDoorAuditId: fdAudit.id };
  });
  afterAll(async () => { await t?.close(); });

  const key = (r: { method: string; url: string }) => `${r.method} ${r.url}`;

  it('lists every registered route, each declaring its access', () => {
    const registered = t.app.beaconRoutes.map(key).sort();
    // Fastify answers HEAD with a GET route's own handler, hooks and access, so a GET row stands for its HEAD; a HEAD route of its own needs a row.
    const rows = Object.keys(MATRIX).flatMap((k) => (k.startsWith('GET ') ? [k, `HEAD ${k.slice(4)}`] : [k]));
    expect(registered).toEqual(rows.sort());
    expect(t.app.beaconRoutes.every((r) => r.access)).toBe(true);
  });

  it('refuses to start with a route that declares no access', async () => {
    const { default: Fastify } = await import('fastify');
    const { registerWeb } = await import('./web');
    const { loadConfig } = await import('./config');
    const app = Fastify();
    await registerWeb(app, { db: t.db, config: loadConfig({ NODE_ENV: 'test' }), now: () => new Date(), navigation: [] }, []);
    expect(() => app.get('/undeclared', async () => 'hello')).toThrow(/declares no access/);
    await app.close();
  });

  it('answers anonymous requests as the matrix says', async () => {
    const failures: string[] = [];
    for (const [route, row] of Object.entries(MATRIX)) {
      const c = new Client(t.app);
      await c.get('/sign-in');
      const { url, form } = row.request(f);
      const res = form || route.startsWith('POST') ? await c.post(url, form ?? {}) : await c.get(url);
      const got = outcomeOf(res);
      if (got !== expected(row, null, true)) failures.push(`${route} anonymous: expected ${expected(row, null, true)}, got ${got} (${res.statusCode})`);
    }
    expect(failures).toEqual([]);
  });

  for (const role of ROLE_NAMES) {
    for (const own of [true, false]) {
      it(`answers a ${role} of the ${own ? 'same' : 'other'} partnership as the matrix says`, async () => {
        const client = await signIn(t, `${role}@${own ? 'a' : 'b'}.test`);
        const failures: string[] = [];
        // Sign-out goes last: it ends the session the other requests use.
        const routes = Object.entries(MATRIX).sort(([a], [b]) => Number(a === 'POST /sign-out') - Number(b === 'POST /sign-out'));
        for (const [route, row] of routes) {
          const { url, form } = row.request(f);
          const res = route.startsWith('POST') ? await client.post(url, form ?? {}) : await client.get(url);
          const want = expected(row, role, own);
          const got = outcomeOf(res);
          if (got !== want) failures.push(`${route}: expected ${want}, got ${got} (${res.statusCode} ${String(res.headers.location ?? '')})`);
          if (route.includes(':') && got === 'not-found') {
            // Another partnership's record looks exactly like one that does not exist.
            const missing = await client.get(url.replace(/[0-9a-f-]{36}|\/\d+(?=\/|$)/, (m) => (m.startsWith('/') ? '/999999' : '00000000-0000-0000-0000-000000000000')));
            if (route.startsWith('GET') && missing.body.replace(/nonce-?[0-9a-f"=]+|value="[^"]+"/g, '') !== res.body.replace(/nonce-?[0-9a-f"=]+|value="[^"]+"/g, '')) {
              failures.push(`${route}: the 404 for another partnership's record differs from the 404 for no record`);
            }
          }
        }
        expect(failures).toEqual([]);
      });
    }
  }

  it('records denied requests in the audit log', async () => {
    const denied = await t.db.selectFrom('audit_event').select(['action', 'user_email', 'record_id'])
      .where('outcome', '=', 'denied').where('action', 'in', ['access.denied', 'record.not_found']).execute();
    expect(denied.some((d) => d.action === 'access.denied' && d.user_email === 'practitioner@a.test')).toBe(true);
    expect(denied.some((d) => d.action === 'record.not_found' && d.user_email === 'social_worker@b.test' && d.record_id === f.a.childId)).toBe(true);
  });
});
