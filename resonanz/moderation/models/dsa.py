"""Enums of the DSA Transparency Database API (statement of reasons, schema v2), kept in the data model.

Values are the API's own identifiers; the labels are what moderators and authors read.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# EU and EEA member states (ISO 3166-1 alpha-2), the allowed values of ``territorial_scope``.
EEA_COUNTRIES = [
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IS", "IT",
    "LI", "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK",
]  # fmt: skip


class DecisionVisibility(models.TextChoices):
    CONTENT_REMOVED = "DECISION_VISIBILITY_CONTENT_REMOVED", _("Content removed")
    CONTENT_DISABLED = "DECISION_VISIBILITY_CONTENT_DISABLED", _("Content disabled (hidden)")
    CONTENT_DEMOTED = "DECISION_VISIBILITY_CONTENT_DEMOTED", _("Content demoted")
    CONTENT_AGE_RESTRICTED = "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED", _("Content age-restricted")
    CONTENT_INTERACTION_RESTRICTED = (
        "DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED",
        _("Interaction with the content restricted"),
    )
    CONTENT_LABELLED = "DECISION_VISIBILITY_CONTENT_LABELLED", _("Content labelled")
    OTHER = "DECISION_VISIBILITY_OTHER", _("Other restriction of visibility")


class DecisionAccount(models.TextChoices):
    SUSPENDED = "DECISION_ACCOUNT_SUSPENDED", _("Account suspended")
    TERMINATED = "DECISION_ACCOUNT_TERMINATED", _("Account terminated")


class DecisionProvision(models.TextChoices):
    PARTIAL_SUSPENSION = "DECISION_PROVISION_PARTIAL_SUSPENSION", _("Service partially suspended")
    TOTAL_SUSPENSION = "DECISION_PROVISION_TOTAL_SUSPENSION", _("Service suspended")
    PARTIAL_TERMINATION = "DECISION_PROVISION_PARTIAL_TERMINATION", _("Service partially terminated")
    TOTAL_TERMINATION = "DECISION_PROVISION_TOTAL_TERMINATION", _("Service terminated")


class DecisionMonetary(models.TextChoices):
    SUSPENSION = "DECISION_MONETARY_SUSPENSION", _("Payments suspended")
    TERMINATION = "DECISION_MONETARY_TERMINATION", _("Payments terminated")
    OTHER = "DECISION_MONETARY_OTHER", _("Other monetary restriction")


class DecisionGround(models.TextChoices):
    ILLEGAL_CONTENT = "DECISION_GROUND_ILLEGAL_CONTENT", _("Illegal content")
    INCOMPATIBLE_CONTENT = "DECISION_GROUND_INCOMPATIBLE_CONTENT", _("Incompatible with the house rules")


class ContentType(models.TextChoices):
    TEXT = "CONTENT_TYPE_TEXT", _("Text")
    IMAGE = "CONTENT_TYPE_IMAGE", _("Image")
    VIDEO = "CONTENT_TYPE_VIDEO", _("Video")
    OTHER = "CONTENT_TYPE_OTHER", _("Other")


class StatementCategory(models.TextChoices):
    ANIMAL_WELFARE = "STATEMENT_CATEGORY_ANIMAL_WELFARE", _("Animal welfare")
    CONSUMER_INFORMATION = "STATEMENT_CATEGORY_CONSUMER_INFORMATION", _("Consumer information")
    CYBER_VIOLENCE = "STATEMENT_CATEGORY_CYBER_VIOLENCE", _("Cyber violence")
    CYBER_VIOLENCE_AGAINST_WOMEN = (
        "STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN",
        _("Cyber violence against women"),
    )
    DATA_PROTECTION = (
        "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
        _("Data protection and privacy violations"),
    )
    ILLEGAL_OR_HARMFUL_SPEECH = "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH", _("Illegal or harmful speech")
    INTELLECTUAL_PROPERTY = (
        "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS",
        _("Intellectual property infringements"),
    )
    CIVIC_DISCOURSE = (
        "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
        _("Negative effects on civic discourse or elections"),
    )
    NOT_SPECIFIED_NOTICE = "STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE", _("Not specified in the notice")
    OTHER_VIOLATION_TC = "STATEMENT_CATEGORY_OTHER_VIOLATION_TC", _("Other violation of the house rules")
    PROTECTION_OF_MINORS = "STATEMENT_CATEGORY_PROTECTION_OF_MINORS", _("Protection of minors")
    RISK_FOR_PUBLIC_SECURITY = "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY", _("Risk for public security")
    SCAMS_AND_FRAUD = "STATEMENT_CATEGORY_SCAMS_AND_FRAUD", _("Scams and fraud")
    SELF_HARM = "STATEMENT_CATEGORY_SELF_HARM", _("Self-harm")
    UNSAFE_PRODUCTS = (
        "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS",
        _("Unsafe and prohibited products"),
    )
    VIOLENCE = "STATEMENT_CATEGORY_VIOLENCE", _("Violence")


class CategoryKeyword(models.TextChoices):
    HATE_SPEECH = "KEYWORD_HATE_SPEECH", _("Hate speech")
    DEFAMATION = "KEYWORD_DEFAMATION", _("Defamation")
    CYBER_HARASSMENT = "KEYWORD_CYBER_HARASSMENT", _("Cyber harassment")
    DISCRIMINATION = "KEYWORD_DISCRIMINATION", _("Discrimination")
    MISINFORMATION = "KEYWORD_MISINFORMATION_DISINFORMATION", _("Misinformation or disinformation")
    OTHER = "KEYWORD_OTHER", _("Other")


class SourceType(models.TextChoices):
    ARTICLE_16 = "SOURCE_ARTICLE_16", _("Notice of illegal content (Art. 16 DSA)")
    TRUSTED_FLAGGER = "SOURCE_TRUSTED_FLAGGER", _("Trusted flagger")
    OTHER_NOTIFICATION = "SOURCE_TYPE_OTHER_NOTIFICATION", _("Report by a member")
    VOLUNTARY = "SOURCE_VOLUNTARY", _("Own initiative")


class AutomatedDetection(models.TextChoices):
    YES = "Yes", _("Yes")
    NO = "No", _("No")


class AutomatedDecision(models.TextChoices):
    FULLY = "AUTOMATED_DECISION_FULLY", _("Fully automated")
    PARTIALLY = "AUTOMATED_DECISION_PARTIALLY", _("Partially automated")
    NOT_AUTOMATED = "AUTOMATED_DECISION_NOT_AUTOMATED", _("Not automated")
