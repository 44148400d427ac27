import QtQuick
import QtQuick.Controls
import Vigil

// A filter's choice: everything, or one of `choices`. `value` is the choice ("" for
// everything); it stays chosen, and shown, while the choices change (a new actor arriving).
ComboBox {
    id: box
    property var choices: []
    property string value: ""
    property string allText: qsTr("All")
    // What the filter is about, for screen readers ("Severity", "Actor"...)
    property string label

    model: [allText, ...choices]
    displayText: value.length > 0 ? value : allText
    font.pixelSize: Theme.fontSmall
    Accessible.name: label.length > 0 ? qsTr("%1: %2").arg(label).arg(displayText) : displayText
    onActivated: index => value = index <= 0 ? "" : String(choices[index - 1])
}
