/**
 * The preset dictionary of packed outbox payloads, version 1 (`z1`). zlib starts each packed
 * message as if this text came just before it, so the keys and phrases every stored view repeats
 * cost a few bits instead of their length: a 5 KB owner message packs to ~0.7 KB instead of ~1.2 KB
 * with deflate alone (https://www.zlib.net/manual.html#Advanced, deflateSetDictionary).
 *
 * NEVER edit this text: rows packed with it can only be unpacked with the same bytes. A better
 * dictionary is a new constant and a new version key (`z2`), with `z1` still read.
 * The most frequent fragments are last (zlib finds nearer matches with shorter codes).
 */
export const PAYLOAD_DICTIONARY_V1 = [
  '{"generatedAt":"2026-01-01T10:00:00.000Z","lastScan":{"at":"2026-01-01T02:00:00.000Z","status":"succeeded"},',
  '"score":{"value":76,"previous":75,"reason":"75 → 76: 4 got an owner; 2 dormant accounts dealt with; 2 restricted to API only","population":1000,"risky":500},',
  '"byRule":[{"rule":"dormant","accounts":55,"points":3.1},{"rule":"basic_auth","accounts":12,"points":1.2},',
  '{"rule":"credential_expiring","accounts":3,"points":0.4},{"rule":"credential_expired","accounts":2,"points":0.3},',
  '{"rule":"long_lived_secret","accounts":4,"points":0.5},{"rule":"wsao_disabled","accounts":166,"points":6.4},',
  '{"rule":"no_owner","accounts":228,"points":6.4},{"rule":"privileged","accounts":177,"points":8.4}],',
  '"newFindings":[],"fixedFindings":[],"riskiest":{"top":[],"total":0},"unansweredOwners":[],"undelivered":[],"blindSpots":[],"bySource":[],',
  '"ownerEmail":"","replyTo":{"channel":"D0000000000","ts":"1700000000.000000"},"originalId":1,"sentAt":"2026-01-01T09:00:00.000Z",',
  '"supersededBy":{"outboxId":1,"sentAt":"2026-01-01T09:00:00.000Z"},"decision":{"id":1,"action":"disable","by":"","at":"2026-01-01T09:00:00.000Z","outcome":"applied","undoUntil":"2026-01-02T09:00:00.000Z"},',
  '"owner":{"id":"00000000000000000000000000000000","userName":"","name":"","email":"@example.com","active":true,"directoryId":""},',
  '{"source":"entra","sourceKind":"entra","accountId":"00000000-0000-0000-0000-000000000000","sourceTitle":"Entra ID",',
  '"usage":[{"label":"Last sign-in","value":"none in 90 days"},{"label":"Credentials","value":"1 client secret, expires "}],',
  '{"rule":"credential_expired","severity":"high","summary":"A credential expired on ","evidence":[{"signal":"credentials","detail":"Client secret expired "}],"remediation":"remove_expired_credentials"},',
  '{"rule":"long_lived_secret","severity":"medium","summary":"A client secret is valid for more than 180 days","evidence":[{"signal":"credentials","detail":"Client secret valid until "}],"remediation":"rotate_credential"},',
  '{"rule":"basic_auth","severity":"high","summary":"Uses Basic auth (username and password) for API calls, last seen ","evidence":[{"signal":"auth_methods","detail":"Basic auth: "}],"remediation":"move_to_oauth"},',
  '{"signal":"oauth_tokens","detail":"OAuth tokens: none issued (the instance drops expired tokens, the oldest it still holds is from 2026-01-01)"},',
  '{"signal":"ui_logins","detail":"UI logins: none in 30 days (history kept since 2026-01-01)","since":"2026-01-01T00:00:00.000Z"},',
  '{"signal":"state","detail":"Last login (last_login_time): 2026-01-01"},',
  '{"signal":"history","detail":"warden history: last active 2026-01-01 (observing since 2026-01-01)","since":"2026-01-01T02:00:00.000Z"}],"remediation":"disable"}],',
  '{"rule":"dormant","severity":"high","summary":"No API use or login for 100 days (last activity 2026-01-01)","evidence":[{"signal":"api_calls","detail":"REST calls: none in the transaction log (log kept since 2026-01-01)","since":"2026-01-01T00:00:00.000Z"},',
  '{"rule":"wsao_disabled","severity":"high","summary":"Makes API calls but may also log into the UI (Web Service Access Only is off)","evidence":[{"signal":"api_calls","detail":"REST calls: 36 in 30 days, last on 2026-01-01"},{"signal":"state","detail":"web_service_access_only: false"}],"remediation":"restrict"}',
  '{"rule":"no_owner","severity":"medium","summary":"No owner is set","evidence":[{"signal":"owners","detail":"No owner is set"}],"remediation":"assign_owner"},',
  '{"rule":"privileged","severity":"high","summary":"Holds privileged role(s): admin","evidence":[{"signal":"roles","detail":"Roles: admin, user_admin, oauth_admin, snc_platform_rest_api_access"}],"remediation":"reduce_roles"},',
  '"uniqueApiCalls7d":[{"method":"GET","path":"/api/now/table/cmdb_ci_server/{sys_id}","count":1},{"method":"POST","path":"/api/now/table/incident","count":2}],',
  '"authMethods30d":{"basic":0,"oauth":0,"other":18},"sourceTitle":"ServiceNow",',
  '"usage":[{"label":"Authentication (30 days)","value":"other or unknown (18 calls)"},{"label":"API calls (7 days)","value":"none in the last 7 days"}],',
  '"actions":["disable","restrict","keep","not_mine"]},',
  '"accounts":[{"source":"servicenow","sourceKind":"servicenow","accountId":"00000000000000000000000000000000","userName":"svc_","name":" integration","active":true,"webServiceAccessOnly":true,"findings":[',
].join("");
