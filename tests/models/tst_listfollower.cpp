// "N new": a live list follows its newest rows while the operator is at the top, and counts
// what arrives while they have scrolled away, until they come back or jump.
#include "helpers/testsupport.h"
#include "models/feedenvelopes.h"
#include "models/feedfilters.h"
#include "models/feedmodels.h"
#include "models/listfollower.h"

#include <QSignalSpy>
#include <QStandardItemModel>
#include <QTest>

using namespace vigil;
using namespace vigil::test;

namespace {

Envelope happened(const QString &actor, const QString &action = "acknowledged")
{
    return env("activity.event", "activity",
               {{"actor", actor}, {"action", action}, {"target", "inc-1"}, {"summary", "x"}});
}

} // namespace

class TestListFollower : public QObject
{
    Q_OBJECT
private slots:
    void followingAsksTheViewToStayOnTop();
    void scrollingAwayBeforeTheViewMovedStaysAway();
    void scrolledAwayCountsNewRows();
    void comingBackOrJumpingClearsTheCount();
    void countsOnlyWhatTheFilterShows();
    void droppedRowsAreNotCounted();
    void anotherModelStartsAfresh();
};

void TestListFollower::followingAsksTheViewToStayOnTop()
{
    ActivityModel model(nullptr);
    ListFollower follower;
    follower.setModel(&model);
    QVERIFY(follower.following());
    QSignalSpy follow(&follower, &ListFollower::followRequested);
    model.record(happened("ana"));
    model.record(happened("bob"));
    model.flush();
    // Once for the batch, and after the views have taken the rows in (not during the insert).
    QCOMPARE(follow.size(), 0);
    QVERIFY(follow.wait(kWaitMs));
    QCOMPARE(follow.size(), 1);
    QCOMPARE(follower.unseen(), 0);
}

void TestListFollower::scrollingAwayBeforeTheViewMovedStaysAway()
{
    // Rows came while following; before the view went to the top the operator scrolled away.
    ActivityModel model(nullptr);
    ListFollower follower;
    follower.setModel(&model);
    QSignalSpy follow(&follower, &ListFollower::followRequested);
    model.record(happened("ana"));
    model.flush();
    follower.setFollowing(false);
    QTest::qWait(0); // the request made while following is dropped
    QCOMPARE(follow.size(), 0);
    // The "N new" button is the one thing that moves them now.
    follower.jumpToNewest();
    QVERIFY(follow.wait(kWaitMs));
    QCOMPARE(follow.size(), 1);
    model.record(happened("bob"));
    model.flush();
    follower.setFollowing(false); // still away: nothing more
    QTest::qWait(0);
    QCOMPARE(follow.size(), 1);
    QCOMPARE(follower.unseen(), 1);
}

void TestListFollower::scrolledAwayCountsNewRows()
{
    ActivityModel model(nullptr);
    ListFollower follower;
    follower.setModel(&model);
    follower.setFollowing(false); // the operator scrolled down
    model.record(happened("ana"));
    model.flush();
    QCOMPARE(follower.unseen(), 1);
    model.clear();
    QSignalSpy follow(&follower, &ListFollower::followRequested);
    QSignalSpy unseen(&follower, &ListFollower::unseenChanged);
    model.record(happened("bob"));
    model.record(happened("cy"));
    model.flush();
    QCOMPARE(follower.unseen(), 2);
    model.record(happened("dee"));
    model.flush();
    QCOMPARE(follower.unseen(), 3);
    QCOMPARE(unseen.size(), 2);
    QTest::qWait(0); // nothing queued either
    QCOMPARE(follow.size(), 0);
}

void TestListFollower::comingBackOrJumpingClearsTheCount()
{
    ActivityModel model(nullptr);
    ListFollower follower;
    follower.setModel(&model);
    follower.setFollowing(false);
    model.record(happened("ana"));
    model.flush();
    QCOMPARE(follower.unseen(), 1);
    // Scrolling back to the top by hand.
    follower.setFollowing(true);
    QCOMPARE(follower.unseen(), 0);

    // Or the "N new" button: the view is asked to go to the top, which makes it follow.
    follower.setFollowing(false);
    model.record(happened("bob"));
    model.flush();
    QCOMPARE(follower.unseen(), 1);
    QSignalSpy follow(&follower, &ListFollower::followRequested);
    follower.jumpToNewest();
    QCOMPARE(follower.unseen(), 0);
    QVERIFY(follow.wait(kWaitMs));
}

void TestListFollower::countsOnlyWhatTheFilterShows()
{
    ActivityModel model(nullptr);
    ActivityFilter view;
    view.setSourceModel(&model);
    view.setActor("ana");
    ListFollower follower;
    follower.setModel(&view);
    follower.setFollowing(false);
    model.record(happened("bob"));
    model.record(happened("ana"));
    model.record(happened("cy"));
    model.flush();
    QCOMPARE(follower.unseen(), 1);
}

void TestListFollower::droppedRowsAreNotCounted()
{
    // A list at its capacity drops its oldest rows: never more new rows than rows.
    ActivityModel model(nullptr, 3);
    ListFollower follower;
    follower.setModel(&model);
    follower.setFollowing(false);
    for (int i = 0; i < 5; ++i)
        model.record(happened(QString::number(i)));
    model.flush();
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(follower.unseen(), 3);
    model.clear(); // a new session
    QCOMPARE(follower.unseen(), 0);
}

void TestListFollower::anotherModelStartsAfresh()
{
    QStandardItemModel first;
    QStandardItemModel second;
    ListFollower follower;
    QSignalSpy modelChanged(&follower, &ListFollower::modelChanged);
    follower.setModel(&first);
    follower.setFollowing(false);
    first.insertRow(0, new QStandardItem("a"));
    QCOMPARE(follower.unseen(), 1);
    follower.setModel(&second);
    QCOMPARE(follower.unseen(), 0);
    first.insertRow(0, new QStandardItem("b")); // no longer followed
    QCOMPARE(follower.unseen(), 0);
    second.insertRow(0, new QStandardItem("c"));
    QCOMPARE(follower.unseen(), 1);
    QCOMPARE(modelChanged.size(), 2);
}

QTEST_GUILESS_MAIN(TestListFollower)
#include "tst_listfollower.moc"
