-- Recomputes relationship muscles for a set of users (or only some of their people) in one
-- statement. Parameters: user_ids, person_ids (NULL for all), and the formula's constants.
WITH users AS (
    SELECT id, time_zone, (%(now)s::timestamptz AT TIME ZONE time_zone)::date AS today
    FROM accounts_user
    WHERE id = ANY(%(user_ids)s)
),
people AS (
    SELECT p.id, p.owner_id, u.today, p.circle, p.is_knot, p.status,
           COALESCE(p.cadence_days, CASE p.circle
               WHEN 'inner' THEN %(cadence_inner)s
               WHEN 'close' THEN %(cadence_close)s
               WHEN 'wider' THEN %(cadence_wider)s
               ELSE %(cadence_acquaintance)s END) AS cadence,
           p.met_on,
           (p.created_at AT TIME ZONE u.time_zone)::date AS added_on
    FROM contacts_person p
    JOIN users u ON u.id = p.owner_id
    WHERE NOT p.archived
      AND (%(person_ids)s::bigint[] IS NULL OR p.id = ANY(%(person_ids)s::bigint[]))
),
interactions AS (
    SELECT cp.person_id, c.happened_on AS day, false AS ask,
           CASE c.kind
               WHEN 'in_person' THEN %(w_in_person)s
               WHEN 'video' THEN %(w_video)s
               WHEN 'call' THEN %(w_call)s
               WHEN 'message' THEN %(w_message)s
               ELSE %(w_online)s END AS weight
    FROM conversations_conversation_people cp
    JOIN conversations_conversation c ON c.id = cp.conversation_id
    WHERE cp.person_id IN (SELECT id FROM people)
    UNION ALL
    SELECT person_id, happened_on, false, %(w_touch)s
    FROM conversations_touch
    WHERE person_id IN (SELECT id FROM people)
    UNION ALL
    SELECT person_id, happened_on, giver = 'them' AND origin = 'asked',
           CASE WHEN status = 'done' THEN %(w_favour_done)s ELSE 0 END
    FROM favours_favour
    WHERE person_id IN (SELECT id FROM people)
),
totals AS (
    SELECT i.person_id,
           max(i.day) AS last_on,
           sum(i.weight * power(0.5, (p.today - i.day) / %(half_life)s::float)) AS raw,
           bool_and(i.ask) FILTER (WHERE i.day > p.today - %(ask_window)s) AS only_asks
    FROM interactions i
    JOIN people p ON p.id = i.person_id
    WHERE i.day <= p.today
    GROUP BY i.person_id
),
computed AS (
    SELECT p.id, p.owner_id, p.today, p.cadence, p.status, p.circle, p.is_knot,
           100 * (1 - exp(-COALESCE(t.raw, 0) / %(saturation)s)) AS strength,
           COALESCE(GREATEST(t.last_on, p.met_on), p.added_on) AS last_contact,
           COALESCE(t.only_asks, false) AS only_asks
    FROM people p
    LEFT JOIN totals t ON t.person_id = p.id
)
INSERT INTO relationships_muscle AS m (
    person_id, owner_id, strength, last_contact_on, due_on, quiet, only_asks, tier, overdue
)
SELECT id, owner_id, strength, last_contact, last_contact + cadence,
       status = 'known' AND today - last_contact > cadence,
       only_asks,
       GREATEST(0, CASE WHEN is_knot OR circle = 'inner' THEN 0
                        WHEN circle = 'close' THEN 1
                        WHEN circle = 'wider' THEN 2
                        ELSE 3 END - only_asks::int),
       (today - last_contact)::float / cadence
FROM computed
ORDER BY id  -- one lock order, so two runs at once wait for each other instead of deadlocking
ON CONFLICT (person_id) DO UPDATE SET
    strength = EXCLUDED.strength,
    last_contact_on = EXCLUDED.last_contact_on,
    due_on = EXCLUDED.due_on,
    quiet = EXCLUDED.quiet,
    only_asks = EXCLUDED.only_asks,
    tier = EXCLUDED.tier,
    overdue = EXCLUDED.overdue
-- A row that comes out the same is not written again: most hourly runs change little.
WHERE (m.strength, m.last_contact_on, m.due_on, m.quiet, m.only_asks, m.tier, m.overdue)
    IS DISTINCT FROM (EXCLUDED.strength, EXCLUDED.last_contact_on, EXCLUDED.due_on,
                      EXCLUDED.quiet, EXCLUDED.only_asks, EXCLUDED.tier, EXCLUDED.overdue)
