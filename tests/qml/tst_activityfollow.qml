import QtQuick
import QtTest
import Vigil
import Vigil.Models
import Vigil.Testing

// The Activity page follows new events while its top is in sight; scrolled away it stays put
// and says how many arrived ("N new"), and a click on that goes back to the newest.
// (TestCase is an invisible Item: what is tested lives in this visible one.)
Item {
    id: root
    width: 800
    height: 400

    TestCase {
        name: "ActivityFollow"
        when: windowShown

        Component { id: pageComponent; ActivityPage { anchors.fill: parent } }

        property int next: 0
        function addEvents(count, actor) {
            for (let i = 0; i < count; ++i) {
                next += 1
                TestHelper.feed("activity.event", "activity",
                                { actor: actor || "ana", action: "acknowledged",
                                  target: "inc-" + next, summary: "event " + next })
            }
        }

        function init() {
            TestHelper.clearFeeds()
        }

        // The row at the top of what the list shows.
        function topIndex(view) {
            return view.indexAt(view.width / 2, view.contentY + 1)
        }

        function list(page) {
            const found = findChild(page, "activityPageList")
            verify(found)
            return found
        }

        function test_followsWhileOnTop() {
            const page = createTemporaryObject(pageComponent, root)
            const view = list(page)
            addEvents(30)
            tryCompare(view, "count", 30)
            tryCompare(view, "atYBeginning", true)
            addEvents(5)
            tryCompare(view, "count", 35)
            // Still on top, showing the newest event; nothing counted as unseen.
            tryVerify(() => view.atYBeginning && topIndex(view) === 0)
            compare(view.itemAtIndex(0).summary, "event " + next)
            compare(findChild(page, "activityNewButton").visible, false)
        }

        function test_scrolledAwayCountsAndJumpsBack() {
            const page = createTemporaryObject(pageComponent, root)
            const view = list(page)
            addEvents(40)
            tryCompare(view, "count", 40)
            // The operator scrolls down to read older events.
            view.positionViewAtIndex(30, ListView.Beginning)
            tryCompare(view, "atYBeginning", false)
            const firstShown = topIndex(view)
            const firstSummary = view.itemAtIndex(firstShown).summary
            const button = findChild(page, "activityNewButton")
            compare(button.visible, false)

            addEvents(3)
            tryCompare(view, "count", 43)
            tryCompare(button, "visible", true)
            compare(button.text, "3 new")
            // The list stayed where the operator was: the same event is in sight (3 rows down).
            tryVerify(() => topIndex(view) === firstShown + 3)
            compare(view.itemAtIndex(topIndex(view)).summary, firstSummary)
            compare(view.atYBeginning, false)
            addEvents(2)
            tryCompare(button, "text", "5 new")

            mouseClick(button)
            tryVerify(() => view.atYBeginning && topIndex(view) === 0)
            tryCompare(button, "visible", false)
            compare(view.itemAtIndex(0).summary, "event " + next)
            // Following again: more events show on top, no count.
            addEvents(1)
            tryCompare(view, "count", 46)
            tryVerify(() => topIndex(view) === 0 && view.itemAtIndex(0).summary === "event " + next)
            compare(button.visible, false)
        }

        function test_filtersByActorAndAction() {
            const page = createTemporaryObject(pageComponent, root)
            const view = list(page)
            addEvents(3, "ana")
            addEvents(2, "bob")
            tryCompare(view, "count", 5)
            compare(ActivityModel.actors, ["ana", "bob"])
            const actor = findChild(page, "activityActorFilter")
            actor.value = "bob"
            tryCompare(view, "count", 2)
            compare(actor.displayText, "bob")
            // The choices grow as people act; the choice made stays.
            addEvents(1, "cy")
            compare(ActivityModel.actors, ["ana", "bob", "cy"])
            compare(actor.displayText, "bob")
            compare(view.count, 2)
            actor.value = ""
            tryCompare(view, "count", 6)
            findChild(page, "activityActionFilter").value = "resolved"
            tryCompare(view, "count", 0)
        }
    }
}
