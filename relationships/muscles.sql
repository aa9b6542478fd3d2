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
-- Every interaction up to its user's today. Each kind is joined with the few users of the batch
-- by its own owner column, not with their many people: a small hash table in place of a large
-- one, three times over. Interactions of archived people are left out by the join below.
interactions AS (
    SELECT cp.person_id, u.today, c.happened_on AS day, false AS ask,
           CASE c.kind
               WHEN 'in_person' THEN %(w_in_person)s
               WHEN 'video' THEN %(w_video)s
               WHEN 'call' THEN %(w_call)s
               WHEN 'message' THEN %(w_message)s
               ELSE %(w_online)s END AS weight
    FROM conversations_conversation_people cp
    JOIN conversations_conversation c ON c.id = cp.conversation_id
    JOIN users u ON u.id = c.owner_id
    WHERE c.happened_on <= u.today
      AND (%(person_ids)s::bigint[] IS NULL OR cp.person_id = ANY(%(person_ids)s::bigint[]))
    UNION ALL
    SELECT t.person_id, u.today, t.happened_on, false, %(w_touch)s
    FROM conversations_touch t
    JOIN users u ON u.id = t.owner_id
    WHERE t.happened_on <= u.today
      AND (%(person_ids)s::bigint[] IS NULL OR t.person_id = ANY(%(person_ids)s::bigint[]))
    UNION ALL
    SELECT f.person_id, u.today, f.happened_on, f.giver = 'them' AND f.origin = 'asked',
           CASE WHEN f.status = 'done' THEN %(w_favour_done)s ELSE 0 END
    FROM favours_favour f
    JOIN users u ON u.id = f.owner_id
    WHERE f.happened_on <= u.today
      AND (%(person_ids)s::bigint[] IS NULL OR f.person_id = ANY(%(person_ids)s::bigint[]))
),
totals AS (
    SELECT person_id,
           max(day) AS last_on,
           sum(weight * power(0.5, (today - day) / %(half_life)s::float)) AS raw,
           bool_and(ask) FILTER (WHERE day >= today - %(ask_window)s) AS only_asks
    FROM interactions
    GROUP BY person_id
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
