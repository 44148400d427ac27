import QtQuick
import QtTest
import Vigil
import Vigil.Models
import Vigil.Testing

// The connection indicator and the two banners, with ConnectionStatus attached to nothing:
// nothing to warn about, so no banner takes room, until the C++ side reports an error.
// (TestCase is an invisible Item: what is tested lives in this visible one.)
Item {
    id: root
    width: 600
    height: 300

    TestCase {
        name: "Banners"
        when: windowShown

        Component {
            id: indicatorComponent
            ConnectionIndicator {}
        }
        Component {
            id: statusBannerComponent
            StatusBanner {
                width: 600
            }
        }
        Component {
            id: errorBannerComponent
            ErrorBanner {
                width: 600
            }
        }
        Component {
            id: fallbackBannerComponent
            FallbackBanner {
                width: 600
            }
        }
        Component {
            id: bannerComponent
            Banner {
                width: 600
            }
        }

        function withText(item, text) {
            for (let i = 0; i < item.children.length; ++i) {
                const child = item.children[i]
                if (child.text === text)
                    return child
                const found = withText(child, text)
                if (found)
                    return found
            }
            return null
        }

        function init() {
            Workspace.dismissError()
        }

        function cleanup() {
            Workspace.dismissError()
        }

        function test_indicatorUnattached() {
            const indicator = createTemporaryObject(indicatorComponent, root)
            verify(indicator)
            compare(ConnectionStatus.state, "disconnected")
            compare(ConnectionStatus.tone, Tone.Idle)
            const dot = findChild(indicator, "stateDot")
            compare(String(dot.color), String(Theme.idle))
            compare(String(findChild(indicator, "stateLabel").color), String(Theme.text))
            compare(dot.Accessible.name, "Connection state: " + ConnectionStatus.summary)
            compare(findChild(indicator, "stateLabel").text, ConnectionStatus.summary)
            verify(ConnectionStatus.summary.length > 0)
            compare(findChild(indicator, "urlLabel").text, "")
            compare(findChild(indicator, "transportLabel").text, "websocket")
            compare(String(findChild(indicator, "transportLabel").color), String(Theme.textMuted))
            // No round trip measured and no quality graded: nothing shown for either, but
            // their room is kept so the header does not move when they appear.
            compare(findChild(indicator, "rttLabel").text, "")
            compare(findChild(indicator, "qualityLabel").text, "")
            verify(findChild(indicator, "rttLabel").width > 0)
            verify(findChild(indicator, "qualityLabel").width > 0)
        }

        function test_statusBannerHiddenWhenUnattached() {
            const banner = createTemporaryObject(statusBannerComponent, root)
            verify(banner)
            compare(ConnectionStatus.banner, ConnectionStatus.NoBanner)
            compare(ConnectionStatus.bannerTone, Tone.Idle)
            compare(banner.visible, false)
            compare(banner.implicitHeight, 0)
            compare(banner.height, 0)
        }

        function test_errorBannerHiddenWithoutError() {
            const banner = createTemporaryObject(errorBannerComponent, root)
            verify(banner)
            compare(Workspace.errorMessage, "")
            compare(banner.visible, false)
            compare(banner.implicitHeight, 0)
            compare(banner.height, 0)
        }

        function test_errorBannerShowsReportedErrorUntilDismissed() {
            const banner = createTemporaryObject(errorBannerComponent, root)
            const message = "Actions cannot be stored: the disk is full"
            ignoreWarning(message) // Workspace logs what it reports
            TestHelper.reportError(message)
            tryCompare(banner, "visible", true)
            compare(findChild(banner, "errorBannerText").text, message)
            compare(String(banner.color), String(Theme.danger))
            compare(String(findChild(banner, "errorBannerText").color), String(Theme.textOnDanger))
            verify(banner.implicitHeight > 0)

            const dismiss = withText(banner, "Dismiss")
            verify(dismiss)
            tryVerify(() => dismiss.width > 0 && dismiss.height > 0)
            mouseClick(dismiss)
            tryCompare(banner, "visible", false, 5000)
            compare(Workspace.errorMessage, "")
            compare(banner.implicitHeight, 0)
        }

        function test_errorBannerFollowsTheLatestError() {
            const banner = createTemporaryObject(errorBannerComponent, root)
            ignoreWarning("first problem")
            ignoreWarning("second problem")
            TestHelper.reportError("first problem")
            tryCompare(findChild(banner, "errorBannerText"), "text", "first problem")
            TestHelper.reportError("second problem")
            tryCompare(findChild(banner, "errorBannerText"), "text", "second problem")
        }

        // Over WebSocket there is nothing to say about HTTP.
        function test_fallbackBannerHiddenOnWebSocket() {
            const banner = createTemporaryObject(fallbackBannerComponent, root)
            verify(banner)
            compare(ConnectionStatus.overHttp, false)
            compare(ConnectionStatus.transportNotice, "")
            compare(banner.visible, false)
            compare(banner.implicitHeight, 0)
        }

        // A banner is drawn in its tone, its text in the colour that reads on it.
        function test_bannerTone_data() {
            return [
                { tag: "danger", tone: Tone.Danger, fill: "dangerFill", ink: "textOnDanger" },
                { tag: "warning", tone: Tone.Warning, fill: "warningFill", ink: "textOnWarning" }
            ]
        }

        function test_bannerTone(data) {
            const banner = createTemporaryObject(bannerComponent, root,
                                                 { objectName: "probe", tone: data.tone,
                                                   text: "Something to say" })
            verify(banner.visible)
            compare(String(banner.color), String(Theme[data.fill]))
            compare(String(findChild(banner, "probeText").color), String(Theme[data.ink]))
        }
    }
}
