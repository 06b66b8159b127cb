"""StreamField blocks that fit written service standards."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock


class ClauseBlock(blocks.StructBlock):
    """A numbered rule of a standard (规范条款) with a stable id such as ``WIN-05``."""

    clause_id = blocks.RegexBlock(
        regex=r"^[A-Z][A-Z0-9]*-\d{2,3}$",
        label=_("Clause id"),
        help_text=_("Stable id such as WIN-05; questions refer to it."),
        error_messages={"invalid": _("Use capitals, a hyphen and a number, e.g. WIN-05.")},
    )
    title = blocks.CharBlock(label=_("Title"))
    rule = blocks.TextBlock(label=_("Rule"))
    do = blocks.ListBlock(blocks.CharBlock(label=_("Do")), required=False, label=_("Do"))
    dont = blocks.ListBlock(blocks.CharBlock(label=_("Don't")), required=False, label=_("Don't"))

    class Meta:
        icon = "list-ol"
        label = _("Clause")
        template = "courses/blocks/clause.html"


class PhrasesBlock(blocks.StructBlock):
    """Model phrases (话术): the situation, what to say, what never to say."""

    situation = blocks.CharBlock(label=_("Situation"))
    say = blocks.ListBlock(blocks.CharBlock(label=_("Say")), label=_("What to say"))
    never_say = blocks.ListBlock(blocks.CharBlock(label=_("Never say")), required=False, label=_("What never to say"))

    class Meta:
        icon = "openquote"
        label = _("Model phrases")
        template = "courses/blocks/phrases.html"


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        choices=[("tip", _("Tip")), ("warning", _("Warning")), ("note", _("Note"))], default="note", label=_("Kind")
    )
    text = blocks.TextBlock(label=_("Text"))

    class Meta:
        icon = "warning"
        label = _("Callout")
        template = "courses/blocks/callout.html"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt = blocks.CharBlock(label=_("Alternative text"), help_text=_("What the image shows, for screen readers."))
    caption = blocks.CharBlock(required=False, label=_("Caption"))

    class Meta:
        icon = "image"
        label = _("Image")
        template = "courses/blocks/image.html"


class LessonBodyBlock(blocks.StreamBlock):
    rich_text = blocks.RichTextBlock(label=_("Text"), features=["h3", "h4", "bold", "italic", "ol", "ul", "link"])
    clause = ClauseBlock()
    phrases = PhrasesBlock()
    image = ImageBlock()
    document = DocumentChooserBlock(label=_("Document"), template="courses/blocks/document.html")
    callout = CalloutBlock()
