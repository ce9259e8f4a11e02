# syntax=docker/dockerfile:1
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci
COPY tsconfig.json tsconfig.build.json codegen.ts ./
COPY schema ./schema
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY schema ./schema
COPY migrations ./migrations
COPY .gmrc ./
USER node
EXPOSE 4000
# The flags of `npm run start:prod` (package.json): the bench measures with the same.
CMD ["node", "--max-semi-space-size=16", "dist/src/main.js"]
