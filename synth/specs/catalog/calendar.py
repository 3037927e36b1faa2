"""Calendar: a stateful agenda (events, invitations, free slots, reminders).

Tools with an executor run against the MCP server's calendar state, so a workflow such as
"find a free hour on Friday, book it and invite Ana" can be executed and checked turn by turn.
"""

from ..dsl import A, B, DATE, DT, E, I, O, S, tool

DOMAIN = "calendar"

EVENT_ID = S("Event identifier as returned when the event was created or listed", min_len=1)
EMAIL = S("Email address", fmt="email")
RECURRENCE = O("Repeat rule; a one-off event when omitted",
               frequency=E("daily weekly monthly yearly", "How often it repeats"),
               interval=I("Repeat every N periods", default=1, lo=1, hi=52),
               count=I("Stop after this many occurrences", opt=True, lo=1),
               until=DATE("Stop after this day", opt=True), opt=True)  # fmt: skip
EVENT = O(event_id=S(), title=S(), start=DT(), end=DT(), location=S(opt=True), attendees=A(S()))

TOOLS = [
    tool("agenda_event_create", "Put a new event in the user's calendar.",
         {"title": S("Short title", min_len=1, max_len=200), "start": DT("Start, ISO 8601 with offset"),
          "end": DT("End, ISO 8601 with offset"), "location": S("Room, address or video link", opt=True),
          "attendees": A(EMAIL, "People to invite", default=[], unique=True),
          "reminder_minutes": I("Minutes before start to remind; 0 for none", default=15, lo=0, hi=10080),
          "recurrence": RECURRENCE,
          "visibility": E("default public private", "Who can see the details", default="default")},
         returns=EVENT, executor="calendar.create_event"),
    tool("agenda_events_between", "Events overlapping a time window, optionally matching text.",
         {"window_start": DT("Window start"), "window_end": DT("Window end"),
          "text": S("Only events whose title or location contains this", opt=True),
          "max_results": I("Cap on returned events", default=50, lo=1, hi=500)},
         returns=O(events=A(EVENT)), executor="calendar.list_events"),
    tool("agenda_event_details", "Full details of one calendar event.",
         {"event_id": EVENT_ID},
         returns=EVENT, executor="calendar.get_event"),
    tool("agenda_event_reschedule", "Change the time, title or place of an existing event.",
         {"event_id": EVENT_ID,
          "changes": O("Fields to change; others stay as they are", title=S(opt=True), start=DT(opt=True),
                       end=DT(opt=True), location=S(opt=True)),
          "notify_attendees": B("Email attendees about the change", default=True)},
         returns=EVENT, executor="calendar.update_event"),
    tool("agenda_event_remove", "Delete an event (or cancel it for everyone if the user organises it).",
         {"event_id": EVENT_ID, "notify_attendees": B("Send a cancellation notice", default=True)},
         returns=O(event_id=S(), deleted=B()), executor="calendar.delete_event"),
    tool("agenda_open_slot_finder", "Find free time slots of a given length on a day.",
         {"date": DATE("Day to search"), "duration_minutes": I("Length of the slot", lo=5, hi=720),
          "working_hours": O("Search only inside these local hours",
                             start=S(pattern="^[0-2][0-9]:[0-5][0-9]$", default="09:00"),
                             end=S(pattern="^[0-2][0-9]:[0-5][0-9]$", default="17:00"),
                             default={"start": "09:00", "end": "17:00"}),
          "attendees": A(EMAIL, "Also require these people to be free", default=[])},
         returns=O(slots=A(O(start=DT(), end=DT()))), executor="calendar.find_free_slot"),
    tool("agenda_guest_add", "Invite one more person to an existing event.",
         {"event_id": EVENT_ID, "email": EMAIL, "optional": B("Mark the guest as optional", default=False)},
         returns=EVENT, executor="calendar.add_attendee"),
    tool("agenda_guest_drop", "Remove a person from an event's guest list.",
         {"event_id": EVENT_ID, "email": EMAIL},
         returns=EVENT, executor="calendar.remove_attendee"),
    tool("agenda_invite_reply", "Accept, decline or tentatively accept an invitation.",
         {"event_id": EVENT_ID, "response": E("accept decline tentative", "The reply"),
          "comment": S("Note for the organiser", opt=True, max_len=300)},
         returns=O(event_id=S(), response=S()), executor="calendar.respond"),
    tool("agenda_day_digest", "All events of one day in start order, with gaps between them.",
         {"date": DATE("The day")},
         returns=O(date=DATE(), events=A(EVENT), free_minutes=I()), executor="calendar.day_summary"),
    tool("agenda_reminder_adjust", "Change or add reminders on an event.",
         {"event_id": EVENT_ID,
          "reminders": A(O(minutes_before=I(lo=0, hi=40320), method=E("popup email sms", default="popup")),
                         "Reminders replacing the current ones", max_items=5)},
         returns=EVENT, executor="calendar.set_reminders"),
    tool("public_holidays_for_year", "Public holidays of a country (and optionally a region) in a year.",
         {"country": S("ISO alpha-2 country code", pattern="^[A-Z]{2}$"), "year": I("Calendar year", lo=1900, hi=2100),
          "region": S("State or province code", opt=True)},
         returns=O(holidays=A(O(date=DATE(), name=S(), nationwide=B())))),
    tool("meeting_room_reserve", "Reserve a bookable meeting room for a time range.",
         {"building": S("Building or site name"), "start": DT("Start"), "end": DT("End"),
          "capacity": I("Seats needed", default=4, lo=1, hi=200),
          "equipment": A(E("screen whiteboard video_conference phone"), "Needed equipment", default=[])},
         returns=O(room=S(), booking_id=S(), start=DT(), end=DT())),
    tool("agenda_share_access", "Share the calendar with another person at a permission level.",
         {"email": EMAIL, "permission": E("free_busy read edit", "What the person can see or do", default="free_busy")},
         returns=O(email=S(), permission=S(), shared=B())),
]
