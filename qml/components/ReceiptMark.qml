import QtQuick
import QtQuick.Layouts
import Vigil

// How far an own chat message got, the way messengers say it: a clock while it waits, one
// check mark sent, two delivered, two in the tint once read, an exclamation mark failed; and
// the word, small and muted. Not a tag: a receipt is a quiet fact, not an alarm.
RowLayout {
    id: mark
    // ChatModel's `delivery`: failed, pending, sent, delivered or read
    property string delivery
    // The word for it (ChatModel's deliveryText) and the marks' colour (its tone)
    property string text
    property color tint: Theme.textMuted

    readonly property string glyph: {
        switch (delivery) {
        case "failed": return "!"
        case "pending": return "\u25F7" // a clock face
        case "sent": return "\u2713"
        case "delivered":
        case "read": return "\u2713\u2713"
        default: return ""
        }
    }

    spacing: Theme.tightSpacing
    Accessible.role: Accessible.StaticText
    Accessible.name: text

    Caption {
        objectName: "receiptGlyph"
        visible: text.length > 0
        text: mark.glyph
        color: mark.tint
        font.bold: true
        // (Two check marks overlap a little in most fonts, as they should.)
        font.letterSpacing: mark.delivery === "delivered" || mark.delivery === "read"
                            ? -Theme.fontSmall / 4 : 0
    }
    Caption {
        objectName: "receiptText"
        text: mark.text
    }
}
