import QtQuick
import Vigil
import Vigil.Models

// Who did what, as it happens, filtered by actor and action. The list follows new events
// while its top is in sight; scrolled away, it stays put and says how many arrived.
ListPage {
    id: page
    objectName: "activityPage"
    heading: qsTr("Activity")
    summary: qsTr("%1 events").arg(filter.count)
    emptyText: filter.actor.length > 0 || filter.action.length > 0 || filter.search.length > 0
               ? qsTr("No events match the filters.") : qsTr("Nothing has happened yet.")
    searchable: true
    searchHint: qsTr("Search events (Ctrl+F)")
    model: ActivityFilter {
        id: filter
        sourceModel: ActivityModel
        actor: actorChoice.value
        action: actionChoice.value
        search: page.searchText
        // Another filter is another list: start it at its newest event.
        onFilterChanged: follower.jumpToNewest()
    }

    ListFollower {
        id: follower
        model: filter
        following: page.list.atYBeginning
        onFollowRequested: page.list.positionViewAtBeginning()
    }

    // Under the heading: the heading keeps room for its count
    filters: [
        FilterChoice {
            id: actorChoice
            objectName: "activityActorFilter"
            label: qsTr("Actor")
            allText: qsTr("All actors")
            choices: ActivityModel.actors
        },
        FilterChoice {
            id: actionChoice
            objectName: "activityActionFilter"
            label: qsTr("Action")
            allText: qsTr("All actions")
            choices: ActivityModel.actions
        }
    ]

    NewItemsButton {
        objectName: "activityNewButton"
        parent: page.list
        follower: follower
        anchors.top: parent ? parent.top : undefined
        anchors.horizontalCenter: parent ? parent.horizontalCenter : undefined
        anchors.topMargin: Theme.spacing
        z: 1
    }

    delegate: ActivityRow {}
}
