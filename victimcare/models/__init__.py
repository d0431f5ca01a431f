"""SQLAlchemy models, one module per aggregate. Importing this package registers every table."""
from .attrition import JusticeWithdrawal, JusticeWithdrawalReason
from .audit import AuditChainHead, AuditEvent, AuditVerification
from .cases import Case, CaseNote, CaseStep, ContactAttempt, Task
from .data_rights import DataRightsPause, DataRightsRequest, RecordsRequest
from .code_rights import CodeEvent
from .jobs import ExportFile, SweepRun
from .marac import MaracAction, MaracAgendaItem, MaracHearing, MaracMeeting, MaracShare
from .notifications import NotificationOptOut, VictimMessage
from .outbox import OutboxJob
from .people import PERSON_SENSITIVE_FIELDS, Person
from .reference import Borough, Service
from .referrals import (
    PARTY_SENSITIVE_FIELDS,
    REFERRAL_SENSITIVE_FIELDS,
    IdempotencyRecord,
    ParentCarer,
    Perpetrator,
    Referral,
    ReferralDraft,
    ReferralStrand,
    RiskAssessment,
    RoutingDecision,
)
from .retention import ErasureDecision, LegalHold
from .rollup_dimensions import (
    RollupCaseDimensionDays,
    RollupCaseDimensions,
    RollupPurgedCaseDimensionDays,
    RollupPurgedCaseDimensions,
)
from .rollups import RollupCases, RollupPurgedCases
from .rollups_rights import (
    RollupAttrition,
    RollupAttritionDays,
    RollupAttritionDaysPurged,
    RollupAttritionLondon,
    RollupAttritionLondonPurged,
    RollupAttritionPurged,
    RollupAttritionReasons,
    RollupAttritionReasonsDays,
    RollupAttritionReasonsDaysPurged,
    RollupAttritionReasonsLondon,
    RollupAttritionReasonsLondonPurged,
    RollupAttritionReasonsPurged,
    RollupCodeRights,
    RollupCodeRightsDays,
    RollupCodeRightsDaysPurged,
    RollupCodeRightsOpen,
    RollupCodeRightsOpenDays,
    RollupCodeRightsOpenDaysPurged,
    RollupCodeRightsOpenPurged,
    RollupCodeRightsPurged,
)
from .restricted import BreakGlassAccess, RecordRestriction, RecordRestrictionUser
from .mfa import RecoveryCode, SecurityKey, TotpCredential
from .sessions import SignInThrottle, UserSession
from .types import utcnow
from .users import AccountChange, AccountLink, ApiToken, User
from .webhooks import WebhookDelivery, WebhookEndpoint

__all__ = [
    "AccountChange", "AccountLink", "BreakGlassAccess", "RecordRestriction", "RecordRestrictionUser",
    "ApiToken", "AuditChainHead", "AuditEvent", "AuditVerification", "Borough", "Case", "CaseStep", "CaseNote", "CodeEvent",
    "ContactAttempt", "DataRightsPause", "DataRightsRequest", "ErasureDecision", "RecordsRequest", "ExportFile", "IdempotencyRecord", "LegalHold", "NotificationOptOut", "OutboxJob", "PARTY_SENSITIVE_FIELDS", "ParentCarer", "Perpetrator", "PERSON_SENSITIVE_FIELDS", "Person", "REFERRAL_SENSITIVE_FIELDS",
    "Referral", "ReferralDraft", "ReferralStrand", "RiskAssessment", "RoutingDecision", "RecoveryCode", "SecurityKey", "Service", "SignInThrottle", "SweepRun", "Task", "TotpCredential", "User", "UserSession", "VictimMessage",
    "WebhookDelivery", "WebhookEndpoint", "utcnow", "JusticeWithdrawal", "JusticeWithdrawalReason",
    "MaracAction", "MaracAgendaItem", "MaracHearing", "MaracMeeting", "MaracShare",
    "RollupCases", "RollupPurgedCases", "RollupAttrition", "RollupAttritionPurged", "RollupAttritionReasons",
    "RollupAttritionReasonsPurged", "RollupCodeRights", "RollupCodeRightsOpen",
    "RollupCodeRightsOpenPurged", "RollupCodeRightsPurged", "RollupCodeRightsDays", "RollupCodeRightsDaysPurged",
    "RollupCodeRightsOpenDays", "RollupCodeRightsOpenDaysPurged", "RollupAttritionDays", "RollupAttritionDaysPurged",
    "RollupAttritionReasonsDays", "RollupAttritionReasonsDaysPurged", "RollupAttritionLondon",
    "RollupAttritionLondonPurged", "RollupAttritionReasonsLondon", "RollupAttritionReasonsLondonPurged",
    "RollupCaseDimensions", "RollupCaseDimensionDays", "RollupPurgedCaseDimensionDays",
    "RollupPurgedCaseDimensions",
]
