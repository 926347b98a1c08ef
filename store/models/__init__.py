"""The store's models, one module per concern; importing this package registers them all."""

from store.models.accounts import ApiToken, User
from store.models.base import Base
from store.models.body import Body, body_successions
from store.models.change import Counter, StoreMeta
from store.models.directive import Directive, DirectiveBody, DirectiveTopic, ReviewStatus, Role
from store.models.document import Document, DocumentStatus
from store.models.figure import Figure
from store.models.reference import Reference
from store.models.review import ReviewEvent
from store.models.source import Source
from store.models.webhooks import DeliveryStatus, WebhookDelivery, WebhookSubscription

__all__ = [
    "ApiToken", "Base", "DeliveryStatus", "User", "WebhookDelivery", "WebhookSubscription", "Body", "Counter", "Directive", "DirectiveBody", "DirectiveTopic", "Document", "DocumentStatus",
    "Figure", "Reference", "ReviewEvent", "ReviewStatus", "Role", "Source", "StoreMeta", "body_successions",
]

# Every writer of directives numbers its changes: register the hook wherever the models are used.
import store.changes  # noqa: E402, F401
