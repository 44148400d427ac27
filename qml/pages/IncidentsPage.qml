pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil
import Vigil.Models

// The incidents: sorted, filtered and searched (IncidentList, in C++), with the operator's
// actions laid over the rows. Enter, or a click, opens the selected incident beside the list:
// its fields, the actions (acknowledge, assign, escalate, resolve) and its timeline; in a
// narrow window the detail takes the list's place until it is closed. New incident (Ctrl+N)
// creates one. Where messages could not be recovered the list says so.
Page {
    id: view
    objectName: "incidentsView"
    background: Rectangle { color: Theme.window }

    // The detail beside the list is open (it follows the selection while it is)
    property bool detailOpen: false
    // Too narrow for the list and the detail side by side: the open detail takes the list's
    // place until it is closed (Close, or Escape)
    readonly property bool narrow: width < Theme.panelMinWidth * 1.5 + detail.implicitWidth
                                           + Theme.padding
    readonly property bool listShown: !(narrow && detailOpen)

    function open(index) {
        IncidentList.select(IncidentList.idAt(index))
        detailOpen = IncidentList.selectedId.length > 0
        // In the list's place, the detail takes the keyboard (Escape goes back)
        if (detailOpen && narrow)
            detail.forceActiveFocus()
    }
    function closeDetail() {
        detailOpen = false
        page.list.forceActiveFocus()
    }
    function clearFilters() {
        severityChoice.value = ""
        statusChoice.value = ""
        assigneeChoice.value = ""
        unassignedBox.checked = false
        openBox.checked = false
        IncidentList.clearFilters()
        page.searchText = ""
    }

    Keys.onEscapePressed: event => {
        event.accepted = view.detailOpen
        if (view.detailOpen)
            view.closeDetail()
    }

    Shortcut {
        sequence: "Ctrl+N"
        enabled: view.visible
        onActivated: createDialog.open()
    }
    Binding {
        target: IncidentList
        property: "searchText"
        value: page.searchText
    }
    // The list re-sorts as incidents change: the selection stays on its incident.
    Connections {
        target: IncidentList
        function onSelectedRowChanged() {
            const row = IncidentList.selectedRow
            if (row >= 0 && row < page.count && page.currentIndex !== row)
                page.currentIndex = row
        }
        // The sort restored from the last run (or changed elsewhere): the box shows it
        function onSortChanged() {
            sortChoice.currentIndex = sortChoice.indexOfValue(IncidentList.sortKey)
        }
    }

    RowLayout {
        anchors.fill: parent
        spacing: 0
        ListPage {
            id: page
            objectName: "incidentsPage"
            heading: qsTr("Incidents")
            // The open count, and the severities there are (room allowing: beside the detail
            // the count alone), so the heading's line holds it whole
            summary: {
                const bySeverity = [
                    [IncidentsModel.criticalCount, qsTr("%1 critical")],
                    [IncidentsModel.highCount, qsTr("%1 high")],
                    [IncidentsModel.mediumCount, qsTr("%1 medium")],
                    [IncidentsModel.lowCount, qsTr("%1 low")]
                ].filter(s => s[0] > 0).map(s => s[1].arg(s[0]))
                const open = qsTr("%1 open").arg(IncidentsModel.openCount)
                const figures = view.detailOpen || bySeverity.length === 0
                        ? open : qsTr("%1 - %2").arg(open).arg(bySeverity.join(qsTr(", ")))
                return IncidentList.filtered ? qsTr("%1 - %2 shown").arg(figures).arg(IncidentList.count)
                                             : figures
            }
            emptyText: IncidentList.filtered ? qsTr("No incident matches the filters.")
                                             : qsTr("No incidents yet.")
            model: IncidentList
            // The sort order is kept across runs
            viewKey: "incidents"
            sortModel: IncidentList
            searchable: true
            searchHint: qsTr("Title, id or assignee (Ctrl+F)")
            // Server order: the gaps that could not be recovered are where they happened.
            gapRole: IncidentList.sortKey === IncidentList.Updated ? "gapsAfter" : ""
            activateOnClick: true
            visible: view.listShown
            Layout.fillWidth: true
            Layout.fillHeight: true
            onActivated: index => view.open(index)
            onCurrentIndexChanged: {
                if (currentIndex >= 0)
                    IncidentList.select(IncidentList.idAt(currentIndex))
            }

            Button {
                objectName: "newIncidentButton"
                text: qsTr("New incident")
                font.pixelSize: Theme.fontSmall
                Accessible.description: qsTr("Create an incident (Ctrl+N)")
                onClicked: createDialog.open()
            }

            filters: [
                ComboBox {
                    id: sortChoice
                    objectName: "incidentSortKey"
                    model: [
                        { text: qsTr("Sort by updated"), key: IncidentList.Updated },
                        { text: qsTr("Sort by severity"), key: IncidentList.Severity },
                        { text: qsTr("Sort by status"), key: IncidentList.Status },
                        { text: qsTr("Sort by id"), key: IncidentList.Id }
                    ]
                    textRole: "text"
                    valueRole: "key"
                    font.pixelSize: Theme.fontSmall
                    Accessible.name: displayText
                    Component.onCompleted: currentIndex = indexOfValue(IncidentList.sortKey)
                    onActivated: IncidentList.sortKey = currentValue
                },
                Button {
                    objectName: "incidentSortOrder"
                    text: IncidentList.descending ? qsTr("Descending") : qsTr("Ascending")
                    font.pixelSize: Theme.fontSmall
                    Accessible.description: qsTr("Reverse the order")
                    onClicked: IncidentList.descending = !IncidentList.descending
                },
                FilterChoice {
                    id: severityChoice
                    objectName: "incidentSeverityFilter"
                    label: qsTr("Severity")
                    allText: qsTr("All severities")
                    choices: IncidentList.severities
                    onValueChanged: IncidentList.severityFilter = value
                },
                FilterChoice {
                    id: statusChoice
                    objectName: "incidentStatusFilter"
                    label: qsTr("Status")
                    allText: qsTr("All statuses")
                    choices: IncidentList.statuses
                    onValueChanged: IncidentList.statusFilter = value
                },
                FilterChoice {
                    id: assigneeChoice
                    objectName: "incidentAssigneeFilter"
                    label: qsTr("Assignee")
                    allText: qsTr("Anyone")
                    choices: IncidentList.assignees
                    onValueChanged: IncidentList.assigneeFilter = value
                },
                CheckBox {
                    id: unassignedBox
                    objectName: "incidentUnassignedFilter"
                    text: qsTr("Unassigned")
                    checked: IncidentList.unassignedOnly
                    font.pixelSize: Theme.fontSmall
                    onToggled: IncidentList.unassignedOnly = checked
                },
                CheckBox {
                    id: openBox
                    objectName: "incidentOpenFilter"
                    text: qsTr("Open only")
                    checked: IncidentList.openOnly
                    font.pixelSize: Theme.fontSmall
                    onToggled: IncidentList.openOnly = checked
                },
                Button {
                    objectName: "clearIncidentFilters"
                    visible: IncidentList.filtered
                    text: qsTr("Clear filters")
                    flat: true
                    font.pixelSize: Theme.fontSmall
                    onClicked: view.clearFilters()
                }
            ]

            // The incidents being created, until the server confirms them
            noticesShown: IncidentList.creating.count > 0
            notices: ColumnLayout {
                objectName: "creatingIncidents"
                spacing: 0
                Layout.fillWidth: true
                Repeater {
                    model: IncidentList.creating
                    delegate: PendingIncidentRow {
                        Layout.fillWidth: true
                    }
                }
            }

            delegate: IncidentListRow {}
        }
        IncidentDetail {
            id: detail
            objectName: "incidentDetail"
            visible: view.detailOpen
            incident: IncidentList.selected
            onCloseRequested: view.closeDetail()
            Layout.fillHeight: true
            // Beside the list: its share of the width; in the list's place: all of it
            Layout.fillWidth: view.narrow
            Layout.preferredWidth: view.narrow ? -1 : Math.min(view.width / 2, implicitWidth)
            Layout.topMargin: Theme.padding
            Layout.bottomMargin: Theme.padding
            Layout.leftMargin: view.narrow ? Theme.padding : 0
            Layout.rightMargin: Theme.padding
        }
    }

    IncidentCreateDialog {
        id: createDialog
        parent: Overlay.overlay
    }
}
